import { describe, expect, it } from "vitest";
import { baseImagesOf } from "./base-images.js";

describe("baseImagesOf", () => {
  it("lists each FROM image once, without stages, scratch or flags", () => {
    const dockerfile = [
      "# syntax=docker/dockerfile:1",
      "FROM --platform=linux/amd64 golang:1.23 AS build",
      "RUN go build ./...",
      "FROM build AS test",
      "FROM scratch",
      `from docker.io/library/alpine:3.20@sha256:${"a".repeat(64)} as final`,
      "FROM golang:1.23",
    ].join("\n");
    expect(baseImagesOf(dockerfile)).toEqual(["golang:1.23", `docker.io/library/alpine:3.20@sha256:${"a".repeat(64)}`]);
  });

  it("substitutes ARGs declared before the first FROM; build args win over their defaults", () => {
    const dockerfile =
      // biome-ignore lint/suspicious/noTemplateCurlyInString: Dockerfile variables, not JavaScript's
      'ARG BASE=busybox:1.36\nARG TAG="3.20"\nFROM $BASE\nFROM alpine:${TAG}\nFROM ${MISSING:-debian:12}\n';
    expect(baseImagesOf(dockerfile)).toEqual(["busybox:1.36", "alpine:3.20", "debian:12"]);
    expect(baseImagesOf(dockerfile, { BASE: "127.0.0.1:5000/base:v1" })).toEqual([
      "127.0.0.1:5000/base:v1",
      "alpine:3.20",
      "debian:12",
    ]);
  });

  it("joins continued lines and leaves out references with unresolved variables", () => {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: Dockerfile variables, not JavaScript's
    expect(baseImagesOf("FROM \\\n  busybox:1.36 \\\n  AS base\nFROM ${UNSET}\nARG LATE=x\nFROM $LATE\n")).toEqual([
      "busybox:1.36",
    ]);
  });

  it("finds nothing in an empty or FROM-less file", () => {
    expect(baseImagesOf("")).toEqual([]);
    expect(baseImagesOf("RUN echo hi\n")).toEqual([]);
  });
});
