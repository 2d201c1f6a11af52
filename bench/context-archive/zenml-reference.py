#!/usr/bin/env python3
"""The reference approach (ZenML's BuildContext.write_archive and upload), for comparison.

tarfile writes the tar into a GzipFile (filename "", mtime 0, Python's default
compresslevel 9, as ZenML leaves it) over a temporary file; the whole archive is
then copied from that temp file to /dev/null in 1 KiB chunks, as an upload of the
temp file would. Prints one JSON line: {"bytes": <archive size>}.

Usage: python3 zenml-reference.py <context-root>
"""

import gzip
import json
import os
import sys
import tarfile
import tempfile

COPY_CHUNK = 1024


def context_files(root):
    """(archive path, file path) of every file under root, like ZenML's os.walk listing."""
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        for name in sorted(filenames):
            path = os.path.join(dirpath, name)
            yield os.path.relpath(path, root), path


def write_archive(root, output_file):
    # GzipFile rather than tarfile's "w:gz": no file name and mtime 0 in the gzip header.
    compressed = gzip.GzipFile(filename="", mode="wb", fileobj=output_file, mtime=0.0)
    with tarfile.open(mode="w", fileobj=compressed) as tf:
        for arcname, path in context_files(root):
            info = tf.gettarinfo(path, arcname=arcname)
            if info.isfile():
                with open(path, "rb") as f:
                    tf.addfile(info, f)
            else:
                tf.addfile(info, None)
    compressed.close()


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: zenml-reference.py <context-root>")
    with tempfile.TemporaryFile(mode="w+b") as temp:
        write_archive(sys.argv[1], temp)
        size = temp.tell()
        temp.seek(0)
        with open(os.devnull, "wb", buffering=0) as sink:
            while True:
                chunk = temp.read(COPY_CHUNK)
                if not chunk:
                    break
                sink.write(chunk)
    print(json.dumps({"bytes": size}))


if __name__ == "__main__":
    main()
