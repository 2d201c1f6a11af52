import { describe, expect, it } from "vitest";
import { apiErrorInfo, describeApiError } from "./api-error.js";

describe("apiErrorInfo", () => {
  it("reads an ApiException's raw Status body", () => {
    const error = Object.assign(
      new Error("HTTP-Code: 403\nMessage: Unknown API Status Code!\nBody: ...\nHeaders: {}"),
      {
        code: 403,
        body: JSON.stringify({
          kind: "Status",
          reason: "Forbidden",
          message: 'pods is forbidden: User "x" cannot create',
        }),
      },
    );
    expect(apiErrorInfo(error)).toEqual({
      code: 403,
      reason: "Forbidden",
      message: 'pods is forbidden: User "x" cannot create',
    });
    expect(describeApiError(error)).toBe('HTTP 403 (Forbidden): pods is forbidden: User "x" cannot create');
  });

  it("reads Watch errors and network errors", () => {
    expect(apiErrorInfo(Object.assign(new Error("Gone"), { statusCode: 410 })).code).toBe(410);
    const network = Object.assign(new Error("request to http://x failed"), { code: "ECONNREFUSED" });
    expect(apiErrorInfo(network)).toEqual({
      code: undefined,
      reason: undefined,
      message: "request to http://x failed (ECONNREFUSED)",
    });
  });

  it("keeps only the first message line of a body-less ApiException (no headers in messages)", () => {
    const error = Object.assign(new Error("HTTP-Code: 401\nMessage: Unauthorized\nBody: undefined\nHeaders: {}"), {
      code: 401,
    });
    expect(describeApiError(error)).toBe("HTTP 401: Unauthorized");
  });
});
