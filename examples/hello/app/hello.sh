#!/bin/sh
cat /app/hello.txt
cat /built.txt
