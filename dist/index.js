import { createRequire as __WEBPACK_EXTERNAL_createRequire } from "module";
/******/ var __webpack_modules__ = ({

/***/ 4296:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   CA: () => (/* binding */ errorCode),
/* harmony export */   MU: () => (/* binding */ TimeoutError),
/* harmony export */   Qd: () => (/* binding */ CommandError),
/* harmony export */   RI: () => (/* binding */ DokployError),
/* harmony export */   RJ: () => (/* binding */ DeploymentFailedError),
/* harmony export */   b1: () => (/* binding */ HealthCheckError),
/* harmony export */   bb: () => (/* binding */ NotRunningError),
/* harmony export */   cc: () => (/* binding */ CancelledError),
/* harmony export */   gJ: () => (/* binding */ errorMessage),
/* harmony export */   kF: () => (/* binding */ connectionHint),
/* harmony export */   sH: () => (/* binding */ DeployError),
/* harmony export */   uw: () => (/* binding */ PullCheckError),
/* harmony export */   xL: () => (/* binding */ ConfigError)
/* harmony export */ });
/* harmony import */ var _log__WEBPACK_IMPORTED_MODULE_0__ = __nccwpck_require__(9553);

/** Base of every failure the run reports; adapters map `exitCode` to the process exit code. */
class DeployError extends Error {
    exitCode = 1;
}
/** Bad input: nothing was built or sent. Exit code 2. */
class ConfigError extends DeployError {
    input;
    exitCode = 2;
    constructor(input, message) {
        super(`Input "${input}": ${message}`);
        this.input = input;
        this.name = "ConfigError";
    }
}
/** A command (docker) exited non-zero. The argv never holds a secret. */
class CommandError extends DeployError {
    step;
    argv;
    commandExitCode;
    output;
    constructor(step, argv, commandExitCode, output) {
        // The last lines, each cut short: what failed is at the end, and one line can be huge.
        const tail = output
            .trim()
            .split("\n")
            .slice(-15)
            .map((line) => (0,_log__WEBPACK_IMPORTED_MODULE_0__/* .cut */ .Jj)(line, 1000))
            .join("\n");
        super(`${step} failed: \`${argv.join(" ")}\` exited with code ${String(commandExitCode)}` + (tail ? `\n${tail}` : ""));
        this.step = step;
        this.argv = argv;
        this.commandExitCode = commandExitCode;
        this.output = output;
        this.name = "CommandError";
    }
}
/** Dokploy answered with an error, or could not be reached. */
class DokployError extends DeployError {
    procedure;
    status;
    retryable;
    ambiguous;
    constructor(procedure, status, message, 
    /** Worth another try: network trouble, 429, 502, 503, 504. */
    retryable = false, 
    /** The request may have reached Dokploy and been carried out (a reset or timeout after sending). */
    ambiguous = false) {
        super(message);
        this.procedure = procedure;
        this.status = status;
        this.retryable = retryable;
        this.ambiguous = ambiguous;
        this.name = "DokployError";
    }
}
/** Our deployment ended in Dokploy with a status other than done. */
class DeploymentFailedError extends DeployError {
    constructor(message) {
        super(message);
        this.name = "DeploymentFailedError";
    }
}
/** Dokploy said done, but Docker Swarm does not run our image. */
class NotRunningError extends DeploymentFailedError {
    constructor(message) {
        super(message);
        this.name = "NotRunningError";
    }
}
/** Something did not finish in the time it was given. */
class TimeoutError extends DeployError {
    constructor(message) {
        super(message);
        this.name = "TimeoutError";
    }
}
/** The pull check failed: Dokploy could not pull what we are about to deploy. */
class PullCheckError extends DeployError {
    failure;
    constructor(failure, message) {
        super(message);
        this.failure = failure;
        this.name = "PullCheckError";
    }
}
class HealthCheckError extends DeployError {
    last;
    constructor(message, last) {
        super(message);
        this.last = last;
        this.name = "HealthCheckError";
    }
}
/** Exit codes of a process ended by a signal, as shells report them. */
const SIGNAL_EXIT_CODES = { SIGHUP: 129, SIGINT: 130, SIGTERM: 143 };
/** The run was cancelled (the CI job was cancelled, or Ctrl-C). Exit code 128 + the signal. */
class CancelledError extends DeployError {
    signalName;
    exitCode;
    constructor(signalName, message) {
        super(message);
        this.signalName = signalName;
        this.name = "CancelledError";
        this.exitCode = SIGNAL_EXIT_CODES[signalName] ?? 130;
    }
}
/** Codes of a TLS certificate that is fine but not trusted here (self-signed, or a private CA). */
const UNTRUSTED_CERTIFICATE = new Set([
    "DEPTH_ZERO_SELF_SIGNED_CERT",
    "SELF_SIGNED_CERT_IN_CHAIN",
    "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
    "UNABLE_TO_GET_ISSUER_CERT",
    "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
]);
/** The code of a network error (undici's, or Node's socket and TLS codes). */
function errorCode(error) {
    const code = typeof error === "object" && error !== null ? error.code : undefined;
    return typeof code === "string" ? code : undefined;
}
/** What to do about a connection error, when its code says; "" when it does not. */
function connectionHint(code) {
    if (code && UNTRUSTED_CERTIFICATE.has(code)) {
        return ". The server's TLS certificate is not trusted here (self-signed, or from a private CA): set NODE_EXTRA_CA_CERTS in the step's environment to the path of a PEM file with the CA certificate";
    }
    if (code === "CERT_HAS_EXPIRED")
        return ". The server's TLS certificate has expired";
    if (code === "ERR_TLS_CERT_ALTNAME_INVALID") {
        return ". The server's TLS certificate is for another host name: use the name it was issued for";
    }
    return "";
}
/** Text of any thrown value, for a final failure message. */
function errorMessage(error) {
    if (error instanceof Error)
        return error.message;
    return String(error);
}


/***/ }),

/***/ 9553:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {


// EXPORTS
__nccwpck_require__.d(__webpack_exports__, {
  Gy: () => (/* binding */ MESSAGE_LIMIT),
  pO: () => (/* binding */ Redactor),
  Jj: () => (/* binding */ cut),
  VL: () => (/* binding */ messageLines),
  fk: () => (/* binding */ printableLines),
  S: () => (/* binding */ redactingLogger)
});

// UNUSED EXPORTS: LINE_LIMIT

;// CONCATENATED MODULE: ./src/core/secret-forms.ts
/**
 * The forms a secret can be printed in: as it is; JSON-escaped (a server echoing a request
 * body, once or twice, with or without \uXXXX for non-ASCII); URL-encoded (upper or lower
 * case hex, %20 or +); base64 and base64url, alone or inside a longer base64 text such as a
 * Basic auth header (user:secret) or a docker config's auth; and each line of a multi-line
 * secret (a JSON key file printed line by line).
 */
/** Lines of a multi-line secret shorter than this (e.g. "{", "}") say nothing and are not masked. */
const MIN_LINE = 4;
/** Parts of a longer base64 text shorter than this are too likely to occur by chance. */
const MIN_BASE64_PART = 6;
function jsonEscaped(text) {
    return JSON.stringify(text).slice(1, -1);
}
function asciiJsonEscaped(text) {
    return jsonEscaped(text).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}
function urlForms(text) {
    const encoded = encodeURIComponent(text);
    return [
        encoded,
        encoded.replace(/%[0-9A-F]{2}/g, (hex) => hex.toLowerCase()),
        new URLSearchParams({ s: text }).toString().slice(2),
        encodeURI(text),
    ];
}
function base64Url(base64) {
    return base64.replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}
/**
 * The base64 of the bytes, and the characters that depend on them alone when they stand at
 * any of the three offsets inside a longer base64 text.
 */
function base64Forms(bytes) {
    const whole = bytes.toString("base64");
    const forms = [whole, whole.replace(/=+$/, ""), base64Url(whole)];
    for (let offset = 0; offset < 3; offset++) {
        const text = Buffer.concat([Buffer.alloc(offset), bytes]).toString("base64");
        const part = text.slice(Math.ceil((8 * offset) / 6), Math.floor((8 * (offset + bytes.length)) / 6));
        if (part.length >= MIN_BASE64_PART)
            forms.push(part, base64Url(part));
    }
    return forms;
}
/** Every form of `secret` worth masking, without duplicates or empty strings. */
function secretForms(secret) {
    const forms = new Set([secret]);
    const escaped = jsonEscaped(secret);
    const ascii = asciiJsonEscaped(secret);
    const asciiUpper = ascii.replace(/\\u[0-9a-f]{4}/g, (u) => `\\u${u.slice(2).toUpperCase()}`);
    for (const form of [escaped, jsonEscaped(escaped), ascii, asciiUpper, ...urlForms(secret)])
        forms.add(form);
    for (const form of base64Forms(Buffer.from(secret, "utf8")))
        forms.add(form);
    const lines = secret.split(/\r\n|\r|\n/);
    if (lines.length > 1) {
        for (const line of lines) {
            const trimmed = line.trim();
            if (trimmed.length >= MIN_LINE)
                forms.add(trimmed);
        }
    }
    forms.delete("");
    return [...forms];
}

;// CONCATENATED MODULE: ./src/core/log.ts

/** The longest line printed (GitHub takes at most 1 MiB a line); longer ones are cut. */
const LINE_LIMIT = 64 * 1024;
/** The longest warning or error message, all lines together. */
const MESSAGE_LIMIT = 64 * 1024;
/** `text` cut to `limit` characters, saying how many were left out. */
function cut(text, limit) {
    if (text.length <= limit)
        return text;
    // Not between the two halves of a surrogate pair.
    const end = /[\uD800-\uDBFF]/.test(text.charAt(limit - 1)) ? limit - 1 : limit;
    return `${text.slice(0, end)}… (${String(text.length - end)} more characters)`;
}
/** Control characters (but tab): shown as \xNN, since they could hide text, move the cursor or start a CI's markers. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/g;
/**
 * The lines of a message as they may be printed on any CI: split at every line break (CR too),
 * control characters made visible, each line cut to `limit`.
 */
function printableLines(message, limit = LINE_LIMIT) {
    return message.split(/\r\n|\r|\n/).map((line) => cut(line.replace(CONTROL, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`), limit));
}
/** A warning's or error's lines: the whole message cut to MESSAGE_LIMIT, then split. */
function messageLines(message) {
    return printableLines(cut(message, MESSAGE_LIMIT), Infinity);
}
const MASK = "***";
/**
 * Replaces every secret in a text with ***, in every form it may be printed in (see
 * secretForms). Secrets shorter than 4 characters are still masked: a short password is still
 * a password.
 */
class Redactor {
    forms = [];
    add(secret) {
        if (!secret)
            return;
        // Longest first, so a form that contains another is masked whole.
        this.forms = [...new Set([...this.forms, ...secretForms(secret)])].sort((a, b) => b.length - a.length);
    }
    redact(text) {
        let out = text;
        for (const form of this.forms)
            if (out.includes(form))
                out = out.split(form).join(MASK);
        return out;
    }
    /** A copy of a value (object, array, string) with every string in it redacted. */
    redactAll(value) {
        if (typeof value === "string")
            return this.redact(value);
        if (Array.isArray(value))
            return value.map((v) => this.redactAll(v));
        if (typeof value === "object" && value !== null) {
            return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, this.redactAll(v)]));
        }
        return value;
    }
}
/** Wraps a logger so nothing it prints can hold a secret. */
function redactingLogger(inner, redactor) {
    return {
        debug: (m) => {
            inner.debug(redactor.redact(m));
        },
        info: (m) => {
            inner.info(redactor.redact(m));
        },
        warn: (m) => {
            inner.warn(redactor.redact(m));
        },
        error: (m) => {
            inner.error(redactor.redact(m));
        },
        group: (title, fn) => inner.group(redactor.redact(title), fn),
    };
}


/***/ }),

/***/ 7253:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   bD: () => (/* binding */ withRetry),
/* harmony export */   vI: () => (/* binding */ DEFAULT_RETRY)
/* harmony export */ });
/* unused harmony exports backoffDelay, isRetryable */
/* harmony import */ var _errors__WEBPACK_IMPORTED_MODULE_0__ = __nccwpck_require__(4296);

const DEFAULT_RETRY = { retries: 4, maxElapsedMs: 60_000, baseDelayMs: 500, maxDelayMs: 8_000 };
/** Full-jitter exponential backoff: a random delay up to base * 2^attempt, capped. */
function backoffDelay(policy, attempt, random) {
    const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt);
    return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}
function isRetryable(error) {
    return error instanceof _errors__WEBPACK_IMPORTED_MODULE_0__/* .DokployError */ .RI && error.retryable;
}
/**
 * Runs `fn` until it succeeds, fails with a non-retryable error, or the policy's count or time
 * runs out. `beforeRetry` may decide the work was done after all (returning a value) or throw.
 */
async function withRetry(what, policy, ports, fn, beforeRetry) {
    const started = ports.clock();
    const random = ports.random ?? Math.random;
    for (let attempt = 0;; attempt++) {
        try {
            return await fn();
        }
        catch (error) {
            const elapsed = ports.clock() - started;
            if (!isRetryable(error) || attempt >= policy.retries)
                throw error;
            const delay = backoffDelay(policy, attempt, random);
            if (elapsed + delay > policy.maxElapsedMs)
                throw error;
            const reason = error instanceof Error ? error.message.split("\n")[0] : String(error);
            ports.logger.warn(`${what}: ${reason ?? ""}; retrying in ${(delay / 1000).toFixed(1)} s (retry ${String(attempt + 1)} of ${String(policy.retries)})`);
            await ports.sleep(delay);
            if (beforeRetry) {
                const settled = await beforeRetry(error);
                if (settled)
                    return settled.value;
            }
        }
    }
}


/***/ }),

/***/ 2613:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("assert");

/***/ }),

/***/ 5317:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("child_process");

/***/ }),

/***/ 6982:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("crypto");

/***/ }),

/***/ 4434:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("events");

/***/ }),

/***/ 9896:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("fs");

/***/ }),

/***/ 8611:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("http");

/***/ }),

/***/ 5692:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("https");

/***/ }),

/***/ 9278:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("net");

/***/ }),

/***/ 4589:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:assert");

/***/ }),

/***/ 6698:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:async_hooks");

/***/ }),

/***/ 4573:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:buffer");

/***/ }),

/***/ 7540:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:console");

/***/ }),

/***/ 7598:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:crypto");

/***/ }),

/***/ 3053:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:diagnostics_channel");

/***/ }),

/***/ 610:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:dns");

/***/ }),

/***/ 8474:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:events");

/***/ }),

/***/ 1455:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:fs/promises");

/***/ }),

/***/ 7067:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:http");

/***/ }),

/***/ 2467:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:http2");

/***/ }),

/***/ 7030:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:net");

/***/ }),

/***/ 6760:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:path");

/***/ }),

/***/ 643:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:perf_hooks");

/***/ }),

/***/ 1792:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:querystring");

/***/ }),

/***/ 99:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:sqlite");

/***/ }),

/***/ 7075:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:stream");

/***/ }),

/***/ 7997:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:timers");

/***/ }),

/***/ 1692:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:tls");

/***/ }),

/***/ 3136:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:url");

/***/ }),

/***/ 7975:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:util");

/***/ }),

/***/ 3429:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:util/types");

/***/ }),

/***/ 5919:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:worker_threads");

/***/ }),

/***/ 8522:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:zlib");

/***/ }),

/***/ 857:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("os");

/***/ }),

/***/ 6928:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("path");

/***/ }),

/***/ 3193:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("string_decoder");

/***/ }),

/***/ 3557:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("timers");

/***/ }),

/***/ 4756:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("tls");

/***/ }),

/***/ 9023:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("util");

/***/ })

/******/ });
/************************************************************************/
/******/ // The module cache
/******/ var __webpack_module_cache__ = {};
/******/ 
/******/ // The require function
/******/ function __nccwpck_require__(moduleId) {
/******/ 	// Check if module is in cache
/******/ 	var cachedModule = __webpack_module_cache__[moduleId];
/******/ 	if (cachedModule !== undefined) {
/******/ 		return cachedModule.exports;
/******/ 	}
/******/ 	// Create a new module (and put it into the cache)
/******/ 	var module = __webpack_module_cache__[moduleId] = {
/******/ 		id: moduleId,
/******/ 		loaded: false,
/******/ 		exports: {}
/******/ 	};
/******/ 
/******/ 	// Execute the module function
/******/ 	var threw = true;
/******/ 	try {
/******/ 		__webpack_modules__[moduleId].call(module.exports, module, module.exports, __nccwpck_require__);
/******/ 		threw = false;
/******/ 	} finally {
/******/ 		if(threw) delete __webpack_module_cache__[moduleId];
/******/ 	}
/******/ 
/******/ 	// Flag the module as loaded
/******/ 	module.loaded = true;
/******/ 
/******/ 	// Return the exports of the module
/******/ 	return module.exports;
/******/ }
/******/ 
/******/ // expose the modules object (__webpack_modules__)
/******/ __nccwpck_require__.m = __webpack_modules__;
/******/ 
/************************************************************************/
/******/ /* webpack/runtime/asset-relocator-loader */
/******/ if (typeof __nccwpck_require__ !== 'undefined') __nccwpck_require__.ab = decodeURIComponent(new URL('.', import.meta.url).pathname).slice(import.meta.url.match(/^file:\/\/\/\w:/) ? 1 : 0, -1) + "/";
/******/ 
/******/ /* webpack/runtime/create fake namespace object */
/******/ (() => {
/******/ 	var getProto = Object.getPrototypeOf ? (obj) => (Object.getPrototypeOf(obj)) : (obj) => (obj.__proto__);
/******/ 	var leafPrototypes;
/******/ 	// create a fake namespace object
/******/ 	// mode & 1: value is a module id, require it
/******/ 	// mode & 2: merge all properties of value into the ns
/******/ 	// mode & 4: return value when already ns object
/******/ 	// mode & 16: return value when it's Promise-like
/******/ 	// mode & 8|1: behave like require
/******/ 	__nccwpck_require__.t = function(value, mode) {
/******/ 		if(mode & 1) value = this(value);
/******/ 		if(mode & 8) return value;
/******/ 		if(typeof value === 'object' && value) {
/******/ 			if((mode & 4) && value.__esModule) return value;
/******/ 			if((mode & 16) && typeof value.then === 'function') return value;
/******/ 		}
/******/ 		var ns = Object.create(null);
/******/ 		__nccwpck_require__.r(ns);
/******/ 		var def = {};
/******/ 		leafPrototypes = leafPrototypes || [null, getProto({}), getProto([]), getProto(getProto)];
/******/ 		for(var current = mode & 2 && value; typeof current == 'object' && !~leafPrototypes.indexOf(current); current = getProto(current)) {
/******/ 			Object.getOwnPropertyNames(current).forEach((key) => (def[key] = () => (value[key])));
/******/ 		}
/******/ 		def['default'] = () => (value);
/******/ 		__nccwpck_require__.d(ns, def);
/******/ 		return ns;
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/define property getters */
/******/ (() => {
/******/ 	// define getter functions for harmony exports
/******/ 	__nccwpck_require__.d = (exports, definition) => {
/******/ 		for(var key in definition) {
/******/ 			if(__nccwpck_require__.o(definition, key) && !__nccwpck_require__.o(exports, key)) {
/******/ 				Object.defineProperty(exports, key, { enumerable: true, get: definition[key] });
/******/ 			}
/******/ 		}
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/ensure chunk */
/******/ (() => {
/******/ 	__nccwpck_require__.f = {};
/******/ 	// This file contains only the entry chunk.
/******/ 	// The chunk loading function for additional chunks
/******/ 	__nccwpck_require__.e = (chunkId) => {
/******/ 		return Promise.all(Object.keys(__nccwpck_require__.f).reduce((promises, key) => {
/******/ 			__nccwpck_require__.f[key](chunkId, promises);
/******/ 			return promises;
/******/ 		}, []));
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/get javascript chunk filename */
/******/ (() => {
/******/ 	// This function allow to reference async chunks
/******/ 	__nccwpck_require__.u = (chunkId) => {
/******/ 		// return url for filenames based on template
/******/ 		return "" + chunkId + ".index.js";
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/hasOwnProperty shorthand */
/******/ (() => {
/******/ 	__nccwpck_require__.o = (obj, prop) => (Object.prototype.hasOwnProperty.call(obj, prop))
/******/ })();
/******/ 
/******/ /* webpack/runtime/make namespace object */
/******/ (() => {
/******/ 	// define __esModule on exports
/******/ 	__nccwpck_require__.r = (exports) => {
/******/ 		if(typeof Symbol !== 'undefined' && Symbol.toStringTag) {
/******/ 			Object.defineProperty(exports, Symbol.toStringTag, { value: 'Module' });
/******/ 		}
/******/ 		Object.defineProperty(exports, '__esModule', { value: true });
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/node module decorator */
/******/ (() => {
/******/ 	__nccwpck_require__.nmd = (module) => {
/******/ 		module.paths = [];
/******/ 		if (!module.children) module.children = [];
/******/ 		return module;
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/import chunk loading */
/******/ (() => {
/******/ 	// no baseURI
/******/ 	
/******/ 	// object to store loaded and loading chunks
/******/ 	// undefined = chunk not loaded, null = chunk preloaded/prefetched
/******/ 	// [resolve, Promise] = chunk loading, 0 = chunk loaded
/******/ 	var installedChunks = {
/******/ 		792: 0
/******/ 	};
/******/ 	
/******/ 	var installChunk = (data) => {
/******/ 		var {ids, modules, runtime} = data;
/******/ 		// add "modules" to the modules object,
/******/ 		// then flag all "ids" as loaded and fire callback
/******/ 		var moduleId, chunkId, i = 0;
/******/ 		for(moduleId in modules) {
/******/ 			if(__nccwpck_require__.o(modules, moduleId)) {
/******/ 				__nccwpck_require__.m[moduleId] = modules[moduleId];
/******/ 			}
/******/ 		}
/******/ 		if(runtime) runtime(__nccwpck_require__);
/******/ 		for(;i < ids.length; i++) {
/******/ 			chunkId = ids[i];
/******/ 			if(__nccwpck_require__.o(installedChunks, chunkId) && installedChunks[chunkId]) {
/******/ 				installedChunks[chunkId][0]();
/******/ 			}
/******/ 			installedChunks[ids[i]] = 0;
/******/ 		}
/******/ 	
/******/ 	}
/******/ 	
/******/ 	__nccwpck_require__.f.j = (chunkId, promises) => {
/******/ 			// import() chunk loading for javascript
/******/ 			var installedChunkData = __nccwpck_require__.o(installedChunks, chunkId) ? installedChunks[chunkId] : undefined;
/******/ 			if(installedChunkData !== 0) { // 0 means "already installed".
/******/ 	
/******/ 				// a Promise means "currently loading".
/******/ 				if(installedChunkData) {
/******/ 					promises.push(installedChunkData[1]);
/******/ 				} else {
/******/ 					if(true) { // all chunks have JS
/******/ 						// setup Promise in chunk cache
/******/ 						var promise = import("./" + __nccwpck_require__.u(chunkId)).then(installChunk, (e) => {
/******/ 							if(installedChunks[chunkId] !== 0) installedChunks[chunkId] = undefined;
/******/ 							throw e;
/******/ 						});
/******/ 						var promise = Promise.race([promise, new Promise((resolve) => (installedChunkData = installedChunks[chunkId] = [resolve]))])
/******/ 						promises.push(installedChunkData[1] = promise);
/******/ 					}
/******/ 				}
/******/ 			}
/******/ 	};
/******/ 	
/******/ 	// no prefetching
/******/ 	
/******/ 	// no preloaded
/******/ 	
/******/ 	// no external install chunk
/******/ 	
/******/ 	// no on chunks loaded
/******/ })();
/******/ 
/************************************************************************/
var __webpack_exports__ = {};

;// CONCATENATED MODULE: ./node_modules/zod/v4/core/util.js

// functions
function assertEqual(val) {
    return val;
}
function assertNotEqual(val) {
    return val;
}
function toZod() {
    return (schema) => schema;
}
function assertIs(_arg) { }
function assertNever(_x) {
    throw new Error("Unexpected value in exhaustive check");
}
function assert(_) { }
function getEnumValues(entries) {
    const numericValues = Object.values(entries).filter((v) => typeof v === "number");
    const values = Object.entries(entries)
        .filter(([k, _]) => numericValues.indexOf(+k) === -1)
        .map(([_, v]) => v);
    return values;
}
function joinValues(array, separator = "|") {
    return array.map((val) => stringifyPrimitive(val)).join(separator);
}
function jsonStringifyReplacer(_, value) {
    if (typeof value === "bigint")
        return value.toString();
    return value;
}
// the accessor lives on a shared prototype: an own accessor makes every box a dictionary-mode object (~360 B and a slow load per read against ~100 B and an inlined getter here)
class Cached {
    constructor(getter) {
        this._getter = getter;
        this._value = undefined;
    }
    get value() {
        const getter = this._getter;
        if (getter !== undefined) {
            this._value = getter();
            this._getter = undefined;
        }
        return this._value;
    }
}
function cached(getter) {
    return new Cached(getter);
}
function nullish(input) {
    return input === null || input === undefined;
}
function cleanRegex(source) {
    const start = source.startsWith("^") ? 1 : 0;
    const end = source.endsWith("$") ? source.length - 1 : source.length;
    return source.slice(start, end);
}
function floatSafeRemainder(val, step) {
    const ratio = val / step;
    const roundedRatio = Math.round(ratio);
    // `val` and `step` each round to a double before the division rounds again, so a true decimal multiple's quotient can sit up to 1.5 of these scaled epsilons from the integer. A 1x tolerance therefore rejected 2.03 as a multiple of 0.07; 4x covers the worst case with margin.
    const tolerance = 4 * Number.EPSILON * Math.max(Math.abs(ratio), 1);
    if (Math.abs(ratio - roundedRatio) < tolerance)
        return 0;
    return ratio - roundedRatio;
}
const EVALUATING = /* @__PURE__*/ (/* unused pure expression or super */ null && (Symbol("evaluating")));
function defineLazy(object, key, getter) {
    let value = undefined;
    Object.defineProperty(object, key, {
        get() {
            if (value === EVALUATING) {
                // Circular reference detected, return undefined to break the cycle
                return undefined;
            }
            if (value === undefined) {
                value = EVALUATING;
                value = getter();
            }
            return value;
        },
        set(v) {
            Object.defineProperty(object, key, {
                value: v,
                // configurable: true,
            });
            // object[key] = v;
        },
        configurable: true,
    });
}
function objectClone(obj) {
    return Object.create(Object.getPrototypeOf(obj), Object.getOwnPropertyDescriptors(obj));
}
function util_assignProp(target, prop, value) {
    Object.defineProperty(target, prop, {
        value,
        writable: true,
        enumerable: true,
        configurable: true,
    });
}
/**
 * Whichever object a def's `shape` currently answers from: the one the caller passed until the first read, the frozen copy after it.
 *
 * Its keys and descriptors read without invoking anything, which is what lets a discriminated union check its discriminator, and the cycle walk read a shape, without resolving a getter that references the schema being constructed. A def that answers `shape` from an accessor of its own has none.
 */
function rawShape(def) {
    const desc = Object.getOwnPropertyDescriptor(def, "shape");
    return desc?.get ? desc.get.raw : desc?.value;
}
// where a builder reads its source's keys and descriptors, resolving only a shape a def answers for itself. A shape resolves by object spread, so only its enumerable keys are ever part of it.
function sourceShape(schema) {
    return rawShape(schema._zod.def) ?? schema._zod.def.shape;
}
// a key whose value is not settled yet, self-caching so every read after the first gets the same one
function deferProp(target, key, getter) {
    Object.defineProperty(target, key, {
        get() {
            const value = getter();
            util_assignProp(this, key, value);
            return value;
        },
        enumerable: true,
        configurable: true,
    });
}
// Writes a settled key. A plain assignment is much cheaper than `defineProperty` and produces the same descriptor, but it runs whatever setter already answers to the key — an accessor this shape deferred, or an inherited one, which `__proto__` has on every object and prototype pollution can add for any name.
function putProp(target, key, value) {
    if (key in target)
        util_assignProp(target, key, value);
    else
        target[key] = value;
}
/**
 * Copies `keys` of `source`'s shape onto `target`, each value passed through `wrap`.
 *
 * A key the source has resolved is copied through now, so the derived shape states it outright and nothing has to resolve it to learn what it holds. A key the source still defers stays deferred, and reads back through the source's own `shape`, so it resolves once and both shapes get that one schema.
 */
function mirrorShape(target, source, keys, wrap) {
    const raw = sourceShape(source);
    for (const key of keys) {
        const desc = Object.getOwnPropertyDescriptor(raw, key);
        if (!desc.enumerable)
            continue;
        if (desc.get) {
            deferProp(target, key, () => {
                const value = source._zod.def.shape[key];
                return wrap ? wrap(value, key) : value;
            });
        }
        else
            putProp(target, key, wrap ? wrap(desc.value, key) : desc.value);
    }
}
// same, for a plain shape a caller passed rather than a schema's
function mirrorProps(target, source) {
    for (const key of Reflect.ownKeys(source)) {
        const desc = Object.getOwnPropertyDescriptor(source, key);
        if (!desc.enumerable)
            continue;
        if (desc.get)
            deferProp(target, key, () => source[key]);
        else
            putProp(target, key, desc.value);
    }
}
function mergeDefs(...defs) {
    const mergedDescriptors = {};
    for (const def of defs) {
        const descriptors = Object.getOwnPropertyDescriptors(def);
        Object.assign(mergedDescriptors, descriptors);
    }
    return Object.defineProperties({}, mergedDescriptors);
}
function cloneDef(schema) {
    return mergeDefs(schema._zod.def);
}
function getElementAtPath(obj, path) {
    if (!path)
        return obj;
    return path.reduce((acc, key) => acc?.[key], obj);
}
function promiseAllObject(promisesObj) {
    const keys = Object.keys(promisesObj);
    const promises = keys.map((key) => promisesObj[key]);
    return Promise.all(promises).then((results) => {
        const resolvedObj = {};
        for (let i = 0; i < keys.length; i++) {
            resolvedObj[keys[i]] = results[i];
        }
        return resolvedObj;
    });
}
function randomString(length = 10) {
    const chars = "abcdefghijklmnopqrstuvwxyz";
    let str = "";
    for (let i = 0; i < length; i++) {
        str += chars[Math.floor(Math.random() * chars.length)];
    }
    return str;
}
function esc(str) {
    return JSON.stringify(str);
}
function slugify(input) {
    return input
        .toLowerCase()
        .trim()
        .replace(/[^\w\s-]/g, "")
        .replace(/[\s_-]+/g, "-")
        .replace(/^-+|-+$/g, "");
}
const captureStackTrace = ("captureStackTrace" in Error ? Error.captureStackTrace : (..._args) => { });
function util_isObject(data) {
    return typeof data === "object" && data !== null && !Array.isArray(data);
}
const util_allowsEval = /* @__PURE__*/ cached(() => {
    // Skip the probe under `jitless`: strict CSPs report the caught `new Function` as a `securitypolicyviolation` even though the throw is swallowed.
    if (globalConfig.jitless) {
        return false;
    }
    // @ts-ignore
    if (typeof navigator !== "undefined" && navigator?.userAgent?.includes("Cloudflare")) {
        return false;
    }
    try {
        const F = Function;
        new F("");
        return true;
    }
    catch (_) {
        return false;
    }
});
function isPlainObject(o) {
    if (util_isObject(o) === false)
        return false;
    // modified constructor
    const ctor = o.constructor;
    if (ctor === undefined)
        return true;
    if (typeof ctor !== "function")
        return true;
    // modified prototype
    const prot = ctor.prototype;
    if (util_isObject(prot) === false)
        return false;
    // ctor doesn't have static `isPrototypeOf`
    if (Object.prototype.hasOwnProperty.call(prot, "isPrototypeOf") === false) {
        return false;
    }
    return true;
}
function shallowClone(o) {
    if (isPlainObject(o))
        return { ...o };
    if (Array.isArray(o))
        return [...o];
    if (o instanceof Map)
        return new Map(o);
    if (o instanceof Set)
        return new Set(o);
    return o;
}
function numKeys(data) {
    let keyCount = 0;
    for (const key in data) {
        if (Object.prototype.hasOwnProperty.call(data, key)) {
            keyCount++;
        }
    }
    return keyCount;
}
const getParsedType = (data) => {
    const t = typeof data;
    switch (t) {
        case "undefined":
            return "undefined";
        case "string":
            return "string";
        case "number":
            return Number.isNaN(data) ? "nan" : "number";
        case "boolean":
            return "boolean";
        case "function":
            return "function";
        case "bigint":
            return "bigint";
        case "symbol":
            return "symbol";
        case "object":
            if (Array.isArray(data)) {
                return "array";
            }
            if (data === null) {
                return "null";
            }
            if (data.then && typeof data.then === "function" && data.catch && typeof data.catch === "function") {
                return "promise";
            }
            if (typeof Map !== "undefined" && data instanceof Map) {
                return "map";
            }
            if (typeof Set !== "undefined" && data instanceof Set) {
                return "set";
            }
            if (typeof Date !== "undefined" && data instanceof Date) {
                return "date";
            }
            // @ts-ignore
            if (typeof File !== "undefined" && data instanceof File) {
                return "file";
            }
            return "object";
        default:
            throw new Error(`Unknown data type: ${t}`);
    }
};
const propertyKeyTypes = /* @__PURE__*/ new Set(["string", "number", "symbol"]);
const primitiveTypes = /* @__PURE__*/ new Set([
    "string",
    "number",
    "bigint",
    "boolean",
    "symbol",
    "undefined",
]);
function escapeRegex(str) {
    return str.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
// zod-specific utils
function clone(inst, def, params) {
    const cl = new inst._zod.constr(def ?? inst._zod.def);
    if (!def || params?.parent)
        cl._zod.parent = inst;
    return cl;
}
function normalizeParams(_params) {
    const params = _params;
    if (!params)
        return {};
    if (typeof params === "string")
        return { error: () => params };
    if (params?.message !== undefined) {
        if (params?.error !== undefined)
            throw new Error("Cannot specify both `message` and `error` params");
        params.error = params.message;
    }
    delete params.message;
    if (typeof params.error === "string")
        return { ...params, error: () => params.error };
    return params;
}
function createTransparentProxy(getter) {
    let target;
    return new Proxy({}, {
        get(_, prop, receiver) {
            target ?? (target = getter());
            return Reflect.get(target, prop, receiver);
        },
        set(_, prop, value, receiver) {
            target ?? (target = getter());
            return Reflect.set(target, prop, value, receiver);
        },
        has(_, prop) {
            target ?? (target = getter());
            return Reflect.has(target, prop);
        },
        deleteProperty(_, prop) {
            target ?? (target = getter());
            return Reflect.deleteProperty(target, prop);
        },
        ownKeys(_) {
            target ?? (target = getter());
            return Reflect.ownKeys(target);
        },
        getOwnPropertyDescriptor(_, prop) {
            target ?? (target = getter());
            return Reflect.getOwnPropertyDescriptor(target, prop);
        },
        defineProperty(_, prop, descriptor) {
            target ?? (target = getter());
            return Reflect.defineProperty(target, prop, descriptor);
        },
    });
}
function stringifyPrimitive(value) {
    if (typeof value === "bigint")
        return value.toString() + "n";
    if (typeof value === "string")
        return `"${value}"`;
    return `${value}`;
}
function optionalKeys(shape) {
    return Object.keys(shape).filter((k) => {
        return shape[k]._zod.optin !== undefined && shape[k]._zod.optout === "optional";
    });
}
// Wrapped in a `@__PURE__` IIFE: esbuild never tree-shakes a top-level initializer that contains a member access on `Number`, so the bare object literal survived into every bundle.
const NUMBER_FORMAT_RANGES = /*@__PURE__*/ (() => ({
    safeint: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
    int32: [-2147483648, 2147483647],
    uint32: [0, 4294967295],
    float32: [-3.4028234663852886e38, 3.4028234663852886e38],
    float64: [-Number.MAX_VALUE, Number.MAX_VALUE],
}))();
const BIGINT_FORMAT_RANGES = {
    int64: [/* @__PURE__*/ BigInt("-9223372036854775808"), /* @__PURE__*/ BigInt("9223372036854775807")],
    uint64: [/* @__PURE__*/ BigInt(0), /* @__PURE__*/ BigInt("18446744073709551615")],
};
function pick(schema, mask) {
    const currDef = schema._zod.def;
    const checks = currDef.checks;
    const hasChecks = checks && checks.length > 0;
    if (hasChecks) {
        throw new Error(".pick() cannot be used on object schemas containing refinements");
    }
    const newShape = {};
    mirrorShape(newShape, schema, maskedKeys(schema, mask));
    return clone(schema, mergeDefs(currDef, { shape: newShape, checks: [] }));
}
// the mask keys that select something, checked against the source's shape without resolving it
function maskedKeys(schema, mask) {
    const raw = sourceShape(schema);
    const keys = [];
    // `for...in` skips symbols, so a symbol in the mask would select nothing
    for (const key of Reflect.ownKeys(mask)) {
        if (!Object.getOwnPropertyDescriptor(raw, key)?.enumerable) {
            throw new Error(`Unrecognized key: "${String(key)}"`);
        }
        if (mask[key])
            keys.push(key);
    }
    return keys;
}
function omit(schema, mask) {
    const currDef = schema._zod.def;
    const checks = currDef.checks;
    const hasChecks = checks && checks.length > 0;
    if (hasChecks) {
        throw new Error(".omit() cannot be used on object schemas containing refinements");
    }
    const omitted = new Set(maskedKeys(schema, mask));
    const newShape = {};
    mirrorShape(newShape, schema, Reflect.ownKeys(sourceShape(schema)).filter((key) => !omitted.has(key)));
    return clone(schema, mergeDefs(currDef, { shape: newShape, checks: [] }));
}
function extend(schema, shape) {
    if (!isPlainObject(shape)) {
        throw new Error("Invalid input to extend: expected a plain object");
    }
    const checks = schema._zod.def.checks;
    const hasChecks = checks && checks.length > 0;
    if (hasChecks) {
        // Only throw if new shape overlaps with existing shape. Use getOwnPropertyDescriptor to check key existence without accessing values
        const existingShape = sourceShape(schema);
        for (const key of Reflect.ownKeys(shape)) {
            if (Object.getOwnPropertyDescriptor(existingShape, key) !== undefined) {
                throw new Error("Cannot overwrite keys on object schemas containing refinements. Use `.safeExtend()` instead.");
            }
        }
    }
    return clone(schema, mergeDefs(schema._zod.def, { shape: extended(schema, shape) }));
}
// the source's keys, then the caller's overlaid on top
function extended(schema, shape) {
    const newShape = {};
    mirrorShape(newShape, schema, Reflect.ownKeys(sourceShape(schema)));
    mirrorProps(newShape, shape);
    return newShape;
}
function safeExtend(schema, shape) {
    if (!isPlainObject(shape)) {
        throw new Error("Invalid input to safeExtend: expected a plain object");
    }
    return clone(schema, mergeDefs(schema._zod.def, { shape: extended(schema, shape) }));
}
function merge(a, b) {
    if (!b?._zod?.def) {
        throw new Error("Invalid input to merge: expected an object schema. To merge a plain shape, use `.extend()`.");
    }
    if (a._zod.def.checks?.length) {
        throw new Error(".merge() cannot be used on object schemas containing refinements. Use .safeExtend() instead.");
    }
    const newShape = {};
    mirrorShape(newShape, a, Reflect.ownKeys(sourceShape(a)));
    mirrorShape(newShape, b, Reflect.ownKeys(sourceShape(b)));
    const def = mergeDefs(a._zod.def, {
        shape: newShape,
        get catchall() {
            return b._zod.def.catchall;
        },
        checks: b._zod.def.checks ?? [],
    });
    return clone(a, def);
}
function partial(Class, schema, mask, name = "partial") {
    const currDef = schema._zod.def;
    const checks = currDef.checks;
    const hasChecks = checks && checks.length > 0;
    if (hasChecks) {
        throw new Error(`.${name}() cannot be used on object schemas containing refinements`);
    }
    const selected = mask ? new Set(maskedKeys(schema, mask)) : undefined;
    const newShape = {};
    mirrorShape(newShape, schema, Reflect.ownKeys(sourceShape(schema)), Class &&
        ((value, key) => (selected && !selected.has(key) ? value : new Class({ type: "optional", innerType: value }))));
    return clone(schema, mergeDefs(schema._zod.def, { shape: newShape, checks: [] }));
}
function required(Class, schema, mask) {
    const selected = mask ? new Set(maskedKeys(schema, mask)) : undefined;
    const newShape = {};
    mirrorShape(newShape, schema, Reflect.ownKeys(sourceShape(schema)), (value, key) => 
    // overwrite with non-optional
    selected && !selected.has(key) ? value : new Class({ type: "nonoptional", innerType: value }));
    return clone(schema, mergeDefs(schema._zod.def, { shape: newShape }));
}
// invalid_type | too_big | too_small | invalid_format | not_multiple_of | unrecognized_keys | invalid_union | invalid_key | invalid_element | invalid_value | custom
function aborted(x, startIndex = 0) {
    if (x.aborted === true)
        return true;
    for (let i = startIndex; i < x.issues.length; i++) {
        if (x.issues[i]?.continue !== true) {
            return true;
        }
    }
    return false;
}
// Checks for explicit abort (continue === false), as opposed to implicit abort (continue === undefined). Used to respect `abort: true` in .refine() even for checks that have a `when` function.
function explicitlyAborted(x, startIndex = 0) {
    if (x.aborted === true)
        return true;
    for (let i = startIndex; i < x.issues.length; i++) {
        if (x.issues[i]?.continue === false) {
            return true;
        }
    }
    return false;
}
function prefixIssues(path, issues) {
    return issues.map((iss) => {
        var _a;
        (_a = iss).path ?? (_a.path = []);
        iss.path.unshift(path);
        return iss;
    });
}
function unwrapMessage(message) {
    return typeof message === "string" ? message : message?.message;
}
/* A check holds no link back to the schema it is attached to — the same check instance is shared by every clone of that schema — so the owner is stamped onto the issues a check just raised, at the only point where both are in scope. Runs on the failure path only; `start` is the issue count from before the check ran. */
/** The leading size checks of `defChecks` that set an upper bound, each paired with it. */
function sizeCaps(defChecks) {
    const caps = [];
    for (const ch of defChecks ?? []) {
        const d = ch._zod.def;
        // a later check may rewrite the value
        if (!/_(length|size)$|_equals$/.test(d.check))
            break;
        const max = d.maximum ?? d.length ?? d.size;
        if (max >= 0)
            caps.push([max, ch]);
    }
    return caps;
}
function attachSchema(issues, start, inst) {
    var _a;
    for (let i = start; i < issues.length; i++) {
        (_a = issues[i]).schema ?? (_a.schema = inst);
    }
}
function finalizeIssue(iss, ctx, config) {
    var _a;
    // A schema that raised an issue itself owns it outright, and outranks any stamp an enclosing check left in `attachSchema`. String formats and z.custom() are schema and check at once, so when they act as a check they defer to that stamp instead.
    const traits = iss.inst?._zod?.traits;
    if (traits?.has("$ZodType")) {
        if (traits.has("$ZodCheck"))
            (_a = iss).schema ?? (_a.schema = iss.inst);
        else
            iss.schema = iss.inst;
    }
    // Decreasing specificity, first map to return a message wins. `inst` is whatever raised the issue, so a check's own map outranks the owning schema's.
    const schemaError = iss.schema !== iss.inst ? iss.schema?._zod.def?.error : undefined;
    const message = iss.message
        ? iss.message
        : (unwrapMessage(iss.inst?._zod.def?.error?.(iss)) ??
            unwrapMessage(schemaError?.(iss)) ??
            unwrapMessage(ctx?.error?.(iss)) ??
            unwrapMessage(config.customError?.(iss)) ??
            unwrapMessage(config.localeError?.(iss)) ??
            "Invalid input");
    // an explicit own-key copy beats object rest with excluded keys, which v8 routes through a generic runtime call; Object.keys rather than for-in so an issue pushed with a prototype does not leak inherited keys, and an own __proto__ key is dropped rather than assigned through the setter
    const full = {};
    for (const k of Object.keys(iss)) {
        if (k === "inst" || k === "schema" || k === "continue" || k === "input" || k === "__proto__")
            continue;
        full[k] = iss[k];
    }
    full.path ?? (full.path = []);
    full.message = message;
    if (ctx?.reportInput) {
        full.input = iss.input;
    }
    return full;
}
function getSizableOrigin(input) {
    if (input instanceof Set)
        return "set";
    if (input instanceof Map)
        return "map";
    // @ts-ignore
    if (input instanceof File)
        return "file";
    return "unknown";
}
const highSurrogate = /[\uD800-\uDBFF]/;
// Code points in `str`: a surrogate pair counts once, a lone surrogate as itself. Hand-rolled because the string iterator allocates and runs ~250x slower on this path; the regex probe exits ~50x quicker for a string with no astral characters.
function codePointLength(str) {
    const units = str.length;
    if (!highSurrogate.test(str))
        return units;
    let count = units;
    for (let i = 0; i < units - 1; i++) {
        if ((str.charCodeAt(i) & 0xfc00) === 0xd800 && (str.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
            count--;
            i++;
        }
    }
    return count;
}
function getLengthableOrigin(input) {
    if (Array.isArray(input))
        return "array";
    if (typeof input === "string")
        return "string";
    return "unknown";
}
function parsedType(data) {
    const t = typeof data;
    switch (t) {
        case "number": {
            return Number.isNaN(data) ? "nan" : "number";
        }
        case "object": {
            if (data === null) {
                return "null";
            }
            if (Array.isArray(data)) {
                return "array";
            }
            const obj = data;
            if (obj && Object.getPrototypeOf(obj) !== Object.prototype && "constructor" in obj && obj.constructor) {
                return obj.constructor.name;
            }
        }
    }
    return t;
}
function util_issue(...args) {
    const [iss, input, inst] = args;
    if (typeof iss === "string") {
        return {
            message: iss,
            code: "custom",
            input,
            inst,
        };
    }
    return { ...iss };
}
function cleanEnum(obj) {
    return Object.entries(obj)
        .filter(([k, _]) => {
        // return true if NaN, meaning it's not a number, thus a string key
        return Number.isNaN(Number.parseInt(k, 10));
    })
        .map((el) => el[1]);
}
// Codec utility functions
function base64ToUint8Array(base64) {
    const binaryString = atob(base64);
    const bytes = new Uint8Array(binaryString.length);
    for (let i = 0; i < binaryString.length; i++) {
        bytes[i] = binaryString.charCodeAt(i);
    }
    return bytes;
}
function uint8ArrayToBase64(bytes) {
    let binaryString = "";
    for (let i = 0; i < bytes.length; i++) {
        binaryString += String.fromCharCode(bytes[i]);
    }
    return btoa(binaryString);
}
function base64urlToUint8Array(base64url) {
    const base64 = base64url.replace(/-/g, "+").replace(/_/g, "/");
    const padding = "=".repeat((4 - (base64.length % 4)) % 4);
    return base64ToUint8Array(base64 + padding);
}
function uint8ArrayToBase64url(bytes) {
    return uint8ArrayToBase64(bytes).replace(/\+/g, "-").replace(/\//g, "_").replace(/=/g, "");
}
function hexToUint8Array(hex) {
    const cleanHex = hex.replace(/^0x/, "");
    if (cleanHex.length % 2 !== 0) {
        throw new Error("Invalid hex string length");
    }
    const bytes = new Uint8Array(cleanHex.length / 2);
    for (let i = 0; i < cleanHex.length; i += 2) {
        bytes[i / 2] = Number.parseInt(cleanHex.slice(i, i + 2), 16);
    }
    return bytes;
}
function uint8ArrayToHex(bytes) {
    return Array.from(bytes)
        .map((b) => b.toString(16).padStart(2, "0"))
        .join("");
}
// instanceof
class Class {
    constructor(..._args) { }
}
//////////    PROTOTYPE INSTALLERS     //////////
//
// Members live on the prototype and materialize per instance on first read, which keeps own-property count under the step where V8 stops using inline slots. Changing anything here means re-measuring runtime, memory and bundle size together — see "The three axes" in AGENTS.md.
/**
 * Installs a trait's members on its prototype. Each value builds that member for the instance on first read; the built value shadows the accessor as an own property, so a detached `const { parse } = schema` keeps working.
 *
 * Call this from a `proto` initializer, which runs once per prototype — never per instance.
 */
function members(proto, table) {
    for (const key in table) {
        const desc = Object.getOwnPropertyDescriptor(table, key);
        // a getter installs as written, so it stays live: `description` reads through to the registry on every access. not enumerable: an object literal's is, and a prototype member never was
        if (desc.get)
            Object.defineProperty(proto, key, { ...desc, enumerable: false });
        // a method materializes bound on first read, which is what keeps a detached member working: `const opt = schema.optional; opt()`
        else
            defineBound(proto, key, desc.value);
    }
}
/** Shadows a prototype member with an own value, so a getter that builds from the instance runs once. */
function own(inst, key, value, enumerable = true) {
    Object.defineProperty(inst, key, { configurable: true, writable: true, enumerable, value });
    return value;
}
/** Like {@link own}, for a member that was never an own data property and has to stay out of `Object.keys`. */
function hide(inst, key, value) {
    return own(inst, key, value, false);
}
/** Adds members a table derives from the instance: each builds on first read and shadows as own data, and assignment shadows the same way, as when these were own properties. */
function derived(computes, table) {
    for (const key in computes) {
        const compute = computes[key];
        // an object literal's accessor is configurable and enumerable, and `members` copies the descriptor as written
        Object.defineProperty(table, key, {
            configurable: true,
            enumerable: true,
            get() {
                return own(this, key, compute(this));
            },
            set(value) {
                own(this, key, value);
            },
        });
    }
    return table;
}
function defineBound(proto, key, fn) {
    Object.defineProperty(proto, key, {
        configurable: true,
        get() {
            // vitest's spyOn calls a prototype getter bare to find the function it wraps, so a nullish receiver answers the raw method
            return this == null ? fn : own(this, key, fn.bind(this));
        },
        set(value) {
            own(this, key, value);
        },
    });
}
/** Returns the prototype to install on, or `undefined` if this group is already installed on it. */
function claim(inst, sentinel) {
    const proto = Object.getPrototypeOf(inst);
    // Runs on every construction, so `in` rather than the costlier `hasOwnProperty.call`. Sentinels are keys the group itself defines.
    return sentinel in proto ? undefined : proto;
}
// The internals whose init chain is installing. A second call for the same one is a derived constructor overriding its base, so it must not construct another schema in between or the override is dropped.
let installing;
// Set while a getter is running, so a value that resolved through a recursion break is not memoized. One shared descriptor shadows the key for the duration, which costs no per-key allocation.
let broke = false;
const breaker = {
    configurable: true,
    get() {
        broke = true;
        return undefined;
    },
};
/**
 * Installs a lazily-derived internal on the `_zod` prototype of `inst`'s
 * constructor, computed from the internals object itself and cached there on
 * first read. One accessor per constructor rather than one per instance.
 */
function defineLazyInternal(inst, key, compute) {
    const proto = Object.getPrototypeOf(inst._zod);
    if (key in proto && installing !== inst._zod) {
        // A repeat construction: everything is installed already. Cleared here so the reference is not held past the first construction of every type.
        installing = undefined;
        return;
    }
    installing = inst._zod;
    Object.defineProperty(proto, key, {
        configurable: true,
        get() {
            // Shadowed before computing so a re-entrant read from a recursive schema resolves to undefined instead of running the getter again.
            Object.defineProperty(this, key, breaker);
            const outer = broke;
            broke = false;
            try {
                const value = compute(this);
                // A result that resolved through a recursion break is recomputed once the graph is complete; everything else memoizes, undefined included.
                if (broke)
                    delete this[key];
                else
                    Object.defineProperty(this, key, { configurable: true, writable: true, value });
                broke = broke || outer;
                return value;
            }
            catch (err) {
                // A compute that threw memoizes nothing, so a later read runs it again and fails the same way. The shadow goes with it, since leaving it installed would answer undefined for every later read.
                delete this[key];
                broke = broke || outer;
                throw err;
            }
        },
        set(value) {
            Object.defineProperty(this, key, { configurable: true, writable: true, value });
        },
    });
}
/**
 * Installs `key` on `inst`'s prototype, computed by `make` on first read and cached there as an own
 * data property. One accessor per constructor rather than one per instance, because an own accessor
 * puts every instance after the first into v8 dictionary mode. The key doubles as the sentinel.
 */
function installLazyProp(inst, key, make, enumerable) {
    const proto = claim(inst, key);
    if (!proto)
        return;
    Object.defineProperty(proto, key, {
        configurable: true,
        get() {
            // Shadowed before computing, so a re-entrant read from a self-referential shape resolves to undefined instead of running the getter again. A data property rather than an accessor: an own accessor is the dictionary-mode transition this exists to avoid.
            const desc = { configurable: true, writable: true, enumerable, value: undefined };
            Object.defineProperty(this, key, desc);
            // a compute that throws leaves the shadow behind, so later reads answer undefined instead of re-throwing; `defineLazy` did the same, and `defineLazyInternal`'s delete-on-catch would cost bytes in every bundle for a case only a throwing user getter reaches
            desc.value = make(this);
            Object.defineProperty(this, key, desc);
            return desc.value;
        },
        set(value) {
            Object.defineProperty(this, key, { configurable: true, writable: true, enumerable, value });
        },
    });
}
/** Marks the thunk `_catch` synthesises for a constant catch value. `Function.length` cannot tell that thunk from a user callback — rest and defaulted parameters both report arity 0 — and a user callback reads `ctx.error`, whose issues only finalize correctly against the caller's per-parse error map. Provenance can say what arity cannot. A plain string key rather than `Symbol.for`, whose call at module scope no bundler can prove pure — the same shape that anchored `urlCanParse` into every build. */
const CONSTANT_CATCH = "~constantCatch";
/** Wraps a constant catch value in a thunk tagged with {@link CONSTANT_CATCH}. */
function constantCatch(value) {
    const fn = () => value;
    fn[CONSTANT_CATCH] = true;
    return fn;
}

;// CONCATENATED MODULE: ./node_modules/zod/v4/core/core.js
var _a;

/** A special constant with type `never` */
const NEVER = /*@__PURE__*/ Object.freeze({
    status: "aborted",
});
/* Shared descriptor for installing `_zod`; defineProperty reads it
 * synchronously, so reusing one object avoids a per-instance allocation. */
const _zodDesc = { value: undefined, enumerable: false };
// null where suppressing the capture would be unrecoverable: `parse()` puts the frames back with `captureStackTrace`, so without it the throw would lose its stack. also latched to null once `stackTraceLimit` proves unassignable, which a realm can do at any point by hardening Error
let _E = "captureStackTrace" in Error ? Error : null;
// v8 captures a stack trace inside the Error constructor, which dominates a failed parse; costs only the frames, and parse() restores those. the constructor must RUN: Object.create is cheaper and passes instanceof, but Error.isError and util.types.isNativeError check an internal slot
function newError(Definition) {
    const E = _E;
    if (E) {
        const saved = E.stackTraceLimit;
        if (typeof saved === "number") {
            try {
                E.stackTraceLimit = 0;
            }
            catch {
                _E = null;
                return new Definition();
            }
            try {
                return new Definition();
            }
            finally {
                E.stackTraceLimit = saved;
            }
        }
    }
    return new Definition();
}
function $constructor(name, initializer, 
/** This trait's members, installed once on every prototype that composes it. They cannot be declared in the initializer above: that runs per instance, and the prototype is shared. */
proto, params) {
    // Prototype for this constructor's `_zod` internals. Lazily-derived fields (`values`, `pattern`, `optin`, …) install here once rather than as an accessor on every instance.
    const zodProto = {};
    // Assigning the fields in the constructor body is what gives instances in-object slots; building the object literally and reparenting it costs a second allocation and a generic property copy.
    function Internals(def) {
        this.def = def;
        this.constr = _;
        this.traits = new Set();
    }
    Internals.prototype = zodProto;
    const protoMembers = proto;
    // One trait's members land on every prototype whose chain composes it, so the answer is per prototype rather than per trait.
    const initialized = protoMembers && new WeakSet();
    function init(inst, def) {
        if (!inst._zod) {
            _zodDesc.value = new Internals(def);
            try {
                Object.defineProperty(inst, "_zod", _zodDesc);
            }
            finally {
                // Cleared even on throw, so the shared descriptor never leaks one instance's internals into the next.
                _zodDesc.value = undefined;
            }
        }
        else if (inst._zod.traits.has(name)) {
            return;
        }
        inst._zod.traits.add(name);
        initializer(inst, def);
        if (initialized) {
            // `super(def)` from a user subclass gives `this` a prototype the subclass owns, and installing there would overwrite whatever the subclass declared. `constr` built the instance, so its prototype is the one below the subclass's that should carry the members. A receiver whose chain never reaches that prototype installs on its own, which for a plain object handed straight to `init` means `Object.prototype` — unchanged from before.
            const own = Object.getPrototypeOf(inst);
            const ctorProto = inst._zod.constr.prototype;
            let up = own;
            while (up && up !== ctorProto)
                up = Object.getPrototypeOf(up);
            const target = up ?? own;
            if (!initialized.has(target)) {
                initialized.add(target);
                members(target, protoMembers);
            }
        }
        // support prototype modifications; for-in avoids the array allocation of Object.keys on the (usually empty) prototype
        const proto = _.prototype;
        for (const k in proto) {
            if (!Object.prototype.hasOwnProperty.call(proto, k))
                continue;
            if (!(k in inst)) {
                inst[k] = proto[k].bind(inst);
            }
        }
    }
    // doesn't work if Parent has a constructor with arguments
    const Parent = params?.Parent ?? Object;
    class Definition extends Parent {
    }
    Object.defineProperty(Definition, "name", { value: name });
    function _(def) {
        const inst = params?.Parent ? newError(Definition) : this;
        init(inst, def);
        const deferred = inst._zod.deferred;
        if (deferred) {
            for (const fn of deferred) {
                fn();
            }
            // Released: initializers run once, and the list would otherwise be retained for the schema's lifetime.
            inst._zod.deferred = undefined;
        }
        // Global post-processor hook. Internal: installed by `import "zod/compile"` to enable AOT compilation for every constructed schema. Runs last, once the instance is fully built, because it hands the instance to compile(). The post-processor is expected to be reentrancy-guarded by its own implementation.
        const pp = globalThis.__zod_globalConfig?.postProcessor;
        if (pp)
            pp(inst);
        return inst;
    }
    Object.defineProperty(_, "init", { value: init });
    Object.defineProperty(_, Symbol.hasInstance, {
        value: (inst) => {
            if (params?.Parent && inst instanceof params.Parent)
                return true;
            return inst?._zod?.traits?.has(name);
        },
    });
    Object.defineProperty(_, "name", { value: name });
    return _;
}
//////////////////////////////   UTILITIES   ///////////////////////////////////////
const $brand = /*@__PURE__*/ (/* unused pure expression or super */ null && (Symbol("zod_brand")));
class $ZodAsyncError extends Error {
    constructor() {
        super(`Encountered Promise during synchronous parse. Use .parseAsync() instead.`);
    }
}
class $ZodEncodeError extends Error {
    constructor(name) {
        super(`Encountered unidirectional transform during encode: ${name}`);
        this.name = "ZodEncodeError";
    }
}
(_a = globalThis).__zod_globalConfig ?? (_a.__zod_globalConfig = {});
const globalConfig = globalThis.__zod_globalConfig;
function config(newConfig) {
    if (newConfig)
        Object.assign(globalConfig, newConfig);
    return globalConfig;
}

;// CONCATENATED MODULE: ./node_modules/zod/v4/core/memoizer.js

class $ZodCyclicError extends Error {
    constructor() {
        super(`Cannot parse a reference cycle that closes through a transform`);
        this.name = "ZodCyclicError";
    }
}
/** Keyed off the context object every schema in one parse call already shares. */
const STATE = "~memo";
const NO_ISSUES = [];
// a value a cycle can close through
function isRef(value) {
    return value !== null && typeof value === "object";
}
// Receivers prefix paths in place, so the cache and every hand-out need their own copies.
function cloneIssues(issues) {
    return issues.map((iss) => (iss.path ? { ...iss, path: iss.path.slice() } : { ...iss }));
}
const recursive = /*@__PURE__*/ new WeakMap();
/** What the walk established, in order of certainty: ordered so the strongest answer among children wins. */
const NONE = 0;
const ASSUMED = 1;
const PROVEN = 2;
/** Whether this schema's subtree contains a cycle, so one parse can re-enter it. */
function isRecursive(inst, stack, resolve) {
    const cached = recursive.get(inst);
    if (cached !== undefined)
        return cached ? PROVEN : NONE;
    // Relative to the walk in progress, so not cached.
    if (stack.has(inst))
        return PROVEN;
    stack.add(inst);
    let result = NONE;
    const check = (child) => {
        if (result !== PROVEN && child?._zod) {
            const answer = isRecursive(child, stack, resolve);
            if (answer > result)
                result = answer;
        }
    };
    // `Reflect.ownKeys` rather than `Object.keys`, so a cycle through a declared symbol key is still seen
    const shape = (sh, spread) => {
        let answer = NONE;
        for (const key of Reflect.ownKeys(sh)) {
            const desc = Object.getOwnPropertyDescriptor(sh, key);
            // an object resolves its shape by spread, so a key it does not enumerate is never parsed; `z.properties` reads every own key and so keeps them all
            if (spread && !desc.enumerable)
                continue;
            // resolving runs user code, and a factory mints a fresh subtree per read, so an edge the walk can't follow counts as a cycle
            const child = desc.get ? ASSUMED : desc.value?._zod ? isRecursive(desc.value, stack, resolve) : NONE;
            if (child > answer)
                answer = child;
        }
        return answer;
    };
    const merge = (answer) => {
        if (answer > result)
            result = answer;
    };
    const def = inst._zod.def;
    const kind = def.type;
    switch (kind) {
        case "object": {
            const raw = rawShape(def);
            // a def with no raw shape answers `shape` from an accessor of its own, and running that can mint a whole fresh subtree
            merge(raw ? shape(raw, true) : ASSUMED);
            check(def.catchall);
            break;
        }
        case "array":
            check(def.element);
            break;
        case "tuple":
            for (const el of def.items)
                check(el);
            check(def.rest);
            break;
        case "record":
        case "map":
            check(def.keyType);
            check(def.valueType);
            break;
        case "set":
            check(def.valueType);
            break;
        case "union":
            for (const el of def.options)
                check(el);
            break;
        case "intersection":
            check(def.left);
            check(def.right);
            break;
        case "optional":
        case "nullable":
        case "default":
        case "prefault":
        case "catch":
        case "readonly":
        case "nonoptional":
        case "promise":
        case "success":
            check(def.innerType);
            break;
        case "pipe":
            check(def.in);
            check(def.out);
            break;
        case "function":
            check(def.input);
            check(def.output);
            break;
        // `$ZodLazy` caches its inner on the def, so a resolved edge is followed exactly
        case "lazy": {
            const inner = def._cachedInner ?? (resolve ? inst._zod.innerType : undefined);
            // walked with resolution off: one hop sees past the deferral, and a lazy that yields only another unresolved lazy is generative, so it stops there
            merge(inner ? isRecursive(inner, stack, false) : ASSUMED);
            break;
        }
        // a leaf by choice: `parts` are regex fragments, not data positions
        case "template_literal":
        // leaves
        case "string":
        case "number":
        case "int":
        case "boolean":
        case "bigint":
        case "symbol":
        case "undefined":
        case "null":
        case "void":
        case "never":
        case "any":
        case "unknown":
        case "date":
        case "nan":
        case "enum":
        case "literal":
        case "file":
        case "transform":
        case "custom":
            break;
        default: {
            // a new built-in kind becomes a compile error here
            kind;
            // a user-defined kind can still hold children, and only its author knows where, so fall back to scanning the def — skipping accessors, since reading one can run user code
            for (const key in def) {
                const desc = Object.getOwnPropertyDescriptor(def, key);
                if (!desc || desc.get)
                    continue;
                const value = desc.value;
                if (!value || typeof value !== "object")
                    continue;
                if (value._zod)
                    check(value);
                else if (Array.isArray(value))
                    for (const el of value)
                        check(el);
            }
        }
    }
    stack.delete(inst);
    return settle(inst, result);
}
/** An assumed answer must not outlive the resolution that settles it, so only a certain one is cached. */
function settle(inst, answer) {
    if (answer !== ASSUMED)
        recursive.set(inst, answer === PROVEN);
    return answer;
}
/**
 * Whether one parse can re-enter this schema, i.e. its subtree contains a cycle.
 * Exported for `z.compile`, which refuses to compile such a schema: cycle
 * breaking is driven from here off state keyed on the parse context, and a
 * generated fast path has no context to key on.
 */
function isRecursiveSchema(inst) {
    // z.compile never parses, so nothing would ever resolve a lazy for it; it runs once and already treats a throw here as recursive
    return isRecursive(inst, new Set(), true) !== NONE;
}
function bucketFor(state, inst) {
    let bucket = state.buckets.get(inst);
    if (!bucket) {
        bucket = new WeakMap();
        state.buckets.set(inst, bucket);
    }
    return bucket;
}
// Set immediately before delegating to core and cleared immediately after, so `alloc` registers only for a visit this module is driving.
let handoff;
// Allocated but unfinished entries. `alloc` and the matching pop both happen in the synchronous part of a parse, so they nest even when children are async, and one stack serves every schema.
const memoizer_open = [];
const memo = {
    alloc(_inst, payload, empty) {
        const bucket = handoff;
        if (!bucket)
            return empty;
        handoff = undefined;
        const entry = { value: empty, issues: null };
        bucket.set(payload.value, entry);
        memoizer_open.push(entry);
        return empty;
    },
    guard(inst) {
        var _a;
        (_a = inst._zod).deferred ?? (_a.deferred = []);
        inst._zod.deferred.push(() => {
            const base = inst._zod.parse;
            const wrapped = (payload, ctx) => {
                // The value is a placeholder a back-edge is still waiting on, so the cycle closes through this transform. Its output can't exist in time to bind.
                if (ctx.direction !== "backward" && isBackEdge(ctx, payload.value))
                    throw new $ZodCyclicError();
                return base(payload, ctx);
            };
            inst._zod.parse = wrapped;
            if (inst._zod.run === base)
                inst._zod.run = wrapped;
        });
    },
    attach(inst) {
        var _a;
        let isRecursiveInst;
        let rechecked = false;
        // a recursive schema is re-entered many times per parse and its bucket never changes
        let lastCtx;
        let lastBucket;
        // Wraps `parse` in a deferred so it sees the container's final parse. Core's own deferred copies `parse` into `run` when there are no checks, and it ran first, so `run` is patched to match; with checks, `run` reads `parse` dynamically.
        (_a = inst._zod).deferred ?? (_a.deferred = []);
        inst._zod.deferred.push(() => {
            const base = inst._zod.parse;
            const wrapped = (payload, ctx) => {
                if (isRecursiveInst === undefined) {
                    const walked = isRecursive(inst, new Set(), false);
                    if (walked === NONE) {
                        // Nothing here can ever fire, so take it back out.
                        inst._zod.parse = base;
                        if (inst._zod.run === wrapped)
                            inst._zod.run = base;
                        return base(payload, ctx);
                    }
                    // this parse resolves the deferred edges on its own path, so ask once more before latching
                    if (walked === PROVEN || rechecked)
                        isRecursiveInst = true;
                    else
                        rechecked = true;
                }
                const input = payload.value;
                if (!isRef(input))
                    return base(payload, ctx);
                let state = ctx[STATE];
                if (!state) {
                    state = { buckets: new WeakMap(), backEdges: undefined };
                    ctx[STATE] = state;
                }
                let bucket;
                if (lastCtx === ctx) {
                    bucket = lastBucket;
                }
                else {
                    bucket = bucketFor(state, inst);
                    lastCtx = ctx;
                    lastBucket = bucket;
                }
                const hit = bucket.get(input);
                if (hit) {
                    payload.value = hit.value;
                    if (hit.issues) {
                        if (hit.issues.length)
                            payload.issues.push(...cloneIssues(hit.issues));
                    }
                    else {
                        // Still being parsed: its own checks cover it, so skip them here.
                        payload.memo = true;
                        state.backEdges ?? (state.backEdges = new WeakSet());
                        state.backEdges.add(hit.value);
                    }
                    return payload;
                }
                handoff = bucket;
                const depth = memoizer_open.length;
                const result = base(payload, ctx);
                handoff = undefined;
                // A container that rejected its input outright allocated nothing.
                const entry = memoizer_open.length > depth ? memoizer_open.pop() : undefined;
                // Both paths written out so the sync one allocates no closure. It runs once per node, and capturing here cost more than everything else combined.
                if (result instanceof Promise) {
                    return result.then((r) => {
                        if (entry)
                            entry.issues = r.issues.length ? cloneIssues(r.issues) : NO_ISSUES;
                        return r;
                    });
                }
                if (entry)
                    entry.issues = result.issues.length ? cloneIssues(result.issues) : NO_ISSUES;
                return result;
            };
            inst._zod.parse = wrapped;
            if (inst._zod.run === base)
                inst._zod.run = wrapped;
        });
    },
};
/** The memoizer that gives containers cycle support. `zod` installs it by default; `zod/mini` opts in with `config({ memoizer: memoizer() })`. */
function memoizer() {
    return memo;
}
/** Whether this value is a node a back-edge resolved to before it finished. */
function isBackEdge(ctx, value) {
    const backEdges = ctx[STATE]?.backEdges;
    return backEdges !== undefined && isRef(value) && backEdges.has(value);
}

;// CONCATENATED MODULE: ./node_modules/zod/v4/core/regexes.js

/**
 * @deprecated CUID v1 is deprecated by its authors due to information leakage
 * (timestamps embedded in the id). Use {@link cuid2} instead.
 * See https://github.com/paralleldrive/cuid.
 */
const cuid = /^[cC][0-9a-z]{6,}$/;
const cuid2 = /^[0-9a-z]+$/;
const ulid = /^[0-7][0-9A-HJKMNP-TV-Za-hjkmnp-tv-z]{25}$/;
const xid = /^[0-9a-vA-V]{20}$/;
const ksuid = /^[A-Za-z0-9]{27}$/;
const nanoid = /^[a-zA-Z0-9_-]{21}$/;
function nanoidOfLength(length) {
    return new RegExp(`^[a-zA-Z0-9_-]{${length}}$`);
}
/** ISO 8601-1 duration regex. Does not support the 8601-2 extensions like negative durations or fractional/negative components. */
const duration = /^P(?:(\d+W)|(?!.*W)(?=\d|T\d)(\d+Y)?(\d+M)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+([.,]\d+)?S)?)?)$/;
/** Implements ISO 8601-2 extensions like explicit +- prefixes, mixing weeks with other units, and fractional/negative components. */
const extendedDuration = /^[-+]?P(?!$)(?:(?:[-+]?\d+Y)|(?:[-+]?\d+[.,]\d+Y$))?(?:(?:[-+]?\d+M)|(?:[-+]?\d+[.,]\d+M$))?(?:(?:[-+]?\d+W)|(?:[-+]?\d+[.,]\d+W$))?(?:(?:[-+]?\d+D)|(?:[-+]?\d+[.,]\d+D$))?(?:T(?=[\d+-])(?:(?:[-+]?\d+H)|(?:[-+]?\d+[.,]\d+H$))?(?:(?:[-+]?\d+M)|(?:[-+]?\d+[.,]\d+M$))?(?:[-+]?\d+(?:[.,]\d+)?S)?)??$/;
/** A regex for any UUID-like identifier: 8-4-4-4-12 hex pattern */
const guid = /^([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})$/;
/** Returns a regex for validating an RFC 9562/4122 UUID.
 *
 * @param version Optionally specify a version 1-8. If no version is specified, all versions are supported. */
const uuid = (version) => {
    if (!version)
        return /^([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[1-8][0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}|00000000-0000-0000-0000-000000000000|ffffffff-ffff-ffff-ffff-ffffffffffff)$/;
    return new RegExp(`^([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-${version}[0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12})$`);
};
const uuid4 = /*@__PURE__*/ (/* unused pure expression or super */ null && (uuid(4)));
const uuid6 = /*@__PURE__*/ (/* unused pure expression or super */ null && (uuid(6)));
const uuid7 = /*@__PURE__*/ (/* unused pure expression or super */ null && (uuid(7)));
/** Practical email validation */
const email = /^(?:[A-Za-z0-9_'+\-]+\.)*[A-Za-z0-9_'+\-]*[A-Za-z0-9_+-]@(?:[A-Za-z0-9][A-Za-z0-9\-]*\.)+[A-Za-z]{2,}$/;
/** Equivalent to the HTML5 input[type=email] validation implemented by browsers. Source: https://developer.mozilla.org/en-US/docs/Web/HTML/Element/input/email */
const html5Email = /^[a-zA-Z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*$/;
/** The classic emailregex.com regex for RFC 5322-compliant emails */
const rfc5322Email = /^(([^<>()\[\]\\.,;:\s@"]+(\.[^<>()\[\]\\.,;:\s@"]+)*)|(".+"))@((\[[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}])|(([a-zA-Z\-0-9]+\.)+[a-zA-Z]{2,}))$/;
/** A loose regex that allows Unicode characters, enforces length limits, and that's about it. */
const unicodeEmail = /^[^\s@"]{1,64}@[^\s@]{1,255}$/u;
const idnEmail = (/* unused pure expression or super */ null && (unicodeEmail));
const browserEmail = /^[a-zA-Z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*$/;
// from https://thekevinscott.com/emojis-in-javascript/#writing-a-regular-expression
// Single character class, not an alternation: the two properties overlap (U+1F9B0-U+1F9B3), so `(A|B)+` backtracks exponentially on a failed match. The leading lookahead then demands one anchor — a pictograph, a regional indicator, or the enclosing keycap — because `\p{Emoji_Component}` on its own covers ASCII digits, `#`, `*`, ZWJ, variation selectors and skin tone modifiers, none of which is an emoji without a base.
const _emoji = `^(?=[\\s\\S]*[\\p{Extended_Pictographic}\\p{Regional_Indicator}\\u20E3])[\\p{Extended_Pictographic}\\p{Emoji_Component}]+$`;
function emoji() {
    return new RegExp(_emoji, "u");
}
const ipv4 = /^(?:(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9][0-9]|[0-9])\.){3}(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9][0-9]|[0-9])$/;
const ipv6 = /^(([0-9a-fA-F]{1,4}:){7}[0-9a-fA-F]{1,4}|([0-9a-fA-F]{1,4}:){1,7}:|([0-9a-fA-F]{1,4}:){1,6}:[0-9a-fA-F]{1,4}|([0-9a-fA-F]{1,4}:){1,5}(:[0-9a-fA-F]{1,4}){1,2}|([0-9a-fA-F]{1,4}:){1,4}(:[0-9a-fA-F]{1,4}){1,3}|([0-9a-fA-F]{1,4}:){1,3}(:[0-9a-fA-F]{1,4}){1,4}|([0-9a-fA-F]{1,4}:){1,2}(:[0-9a-fA-F]{1,4}){1,5}|[0-9a-fA-F]{1,4}:((:[0-9a-fA-F]{1,4}){1,6})|:((:[0-9a-fA-F]{1,4}){1,7}|:))$/;
const mac = (delimiter) => {
    const escapedDelim = util.escapeRegex(delimiter ?? ":");
    return new RegExp(`^(?:[0-9A-F]{2}${escapedDelim}){5}[0-9A-F]{2}$|^(?:[0-9a-f]{2}${escapedDelim}){5}[0-9a-f]{2}$`);
};
const cidrv4 = /^((25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9][0-9]|[0-9])\.){3}(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9][0-9]|[0-9])\/([0-9]|[1-2][0-9]|3[0-2])$/;
const cidrv6 = /^(([0-9a-fA-F]{1,4}:){7}[0-9a-fA-F]{1,4}|([0-9a-fA-F]{1,4}:){1,7}:|([0-9a-fA-F]{1,4}:){1,6}:[0-9a-fA-F]{1,4}|([0-9a-fA-F]{1,4}:){1,5}(:[0-9a-fA-F]{1,4}){1,2}|([0-9a-fA-F]{1,4}:){1,4}(:[0-9a-fA-F]{1,4}){1,3}|([0-9a-fA-F]{1,4}:){1,3}(:[0-9a-fA-F]{1,4}){1,4}|([0-9a-fA-F]{1,4}:){1,2}(:[0-9a-fA-F]{1,4}){1,5}|[0-9a-fA-F]{1,4}:((:[0-9a-fA-F]{1,4}){1,6})|:((:[0-9a-fA-F]{1,4}){1,7}|:))\/(12[0-8]|1[01][0-9]|[1-9]?[0-9])$/;
// https://stackoverflow.com/questions/7860392/determine-if-string-is-in-base64-using-javascript
const base64 = /^$|^(?:[0-9a-zA-Z+/]{4})*(?:(?:[0-9a-zA-Z+/]{2}==)|(?:[0-9a-zA-Z+/]{3}=))?$/;
const base64url = /^(?:[A-Za-z0-9_-]{4})*(?:[A-Za-z0-9_-]{2,3})?$/;
// based on https://stackoverflow.com/questions/106179/regular-expression-to-match-dns-hostname-or-ip-address
// export const hostname: RegExp = /^([a-zA-Z0-9-]+\.)*[a-zA-Z0-9-]+$/;
const hostname = /^(?=.{1,253}\.?$)[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[-0-9a-zA-Z]{0,61}[0-9a-zA-Z])?)*\.?$/;
const domain = /^(?=.{1,253}$)([a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?\.)+[a-zA-Z]{2,63}$/;
const httpProtocol = /^https?$/;
// https://blog.stevenlevithan.com/archives/validate-phone-number#r4-3 (regex sans spaces) E.164: leading digit must be 1-9; total digits (excluding '+') between 7-15
const e164 = /^\+[1-9]\d{6,14}$/;
// Credit card shape: 12–19 digits, optionally separated by single spaces or single hyphens. ISO/IEC 7812 caps the PAN at 19 digits; 12 is the shortest issued length (Maestro).
const creditCard = /^\d(?:[ -]?\d){11,18}$/;
// ISO 4217 alpha codes from the SIX list, regenerated by scripts/update-iso-4217.ts
const currencyCode = /^(?:AED|AFN|ALL|AMD|AOA|ARS|AUD|AWG|AZN|BAM|BBD|BDT|BHD|BIF|BMD|BND|BOB|BOV|BRL|BSD|BTN|BWP|BYN|BZD|CAD|CDF|CHE|CHF|CHW|CLF|CLP|CNY|COP|COU|CRC|CUP|CVE|CZK|DJF|DKK|DOP|DZD|EGP|ERN|ETB|EUR|FJD|FKP|GBP|GEL|GHS|GIP|GMD|GNF|GTQ|GYD|HKD|HNL|HTG|HUF|IDR|ILS|INR|IQD|IRR|ISK|JMD|JOD|JPY|KES|KGS|KHR|KMF|KPW|KRW|KWD|KYD|KZT|LAK|LBP|LKR|LRD|LSL|LYD|MAD|MDL|MGA|MKD|MMK|MNT|MOP|MRU|MUR|MVR|MWK|MXN|MXV|MYR|MZN|NAD|NGN|NIO|NOK|NPR|NZD|OMR|PAB|PEN|PGK|PHP|PKR|PLN|PYG|QAR|RON|RSD|RUB|RWF|SAR|SBD|SCR|SDG|SEK|SGD|SHP|SLE|SOS|SRD|SSP|STN|SVC|SYP|SZL|THB|TJS|TMT|TND|TOP|TRY|TTD|TWD|TZS|UAH|UGX|USD|USN|UYI|UYU|UYW|UZS|VED|VES|VND|VUV|WST|XAD|XAF|XAG|XAU|XBA|XBB|XBC|XBD|XCD|XCG|XDR|XOF|XPD|XPF|XPT|XSU|XTS|XUA|XXX|YER|ZAR|ZMW|ZWG)$/;
// iban electronic format: 2-letter country, check digits 02-98 (the only values `98 - remainder` can produce), 11-30 bban characters
const iban = /^[A-Z]{2}(?!00|01|99)\d{2}[A-Z0-9]{11,30}$/;
const dateSource = `(?:(?:\\d\\d[2468][048]|\\d\\d[13579][26]|\\d\\d0[48]|[02468][048]00|[13579][26]00)-02-29|\\d{4}-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12]\\d|3[01])|(?:0[469]|11)-(?:0[1-9]|[12]\\d|30)|(?:02)-(?:0[1-9]|1\\d|2[0-8])))`;
/** Anchors a pattern source. The interpolation lives here rather than at the call site because
 * esbuild will not drop a `@__PURE__` call whose own argument interpolates a variable, but it
 * will drop `anchor(dateSource)`. Keeping it inline pinned `date` into every bundle. */
function regexes_anchor(source) {
    return new RegExp(`^${source}$`);
}
const date = /*@__PURE__*/ regexes_anchor(dateSource);
function timeSource(args) {
    const hhmm = `(?:[01]\\d|2[0-3]):[0-5]\\d`;
    const regex = typeof args.precision === "number"
        ? args.precision === -1
            ? `${hhmm}`
            : args.precision === 0
                ? `${hhmm}:[0-5]\\d`
                : `${hhmm}:[0-5]\\d\\.\\d{${args.precision}}`
        : args.seconds
            ? `${hhmm}:[0-5]\\d(?:\\.\\d+)?`
            : `${hhmm}(?::[0-5]\\d(?:\\.\\d+)?)?`;
    return regex;
}
function time(args) {
    return new RegExp(`^${timeSource(args)}$`);
}
// Adapted from https://stackoverflow.com/a/3143231
function datetime(args) {
    const opts = ["Z"];
    // if (args.offset) opts.push(`([+-]\\d{2}:\\d{2})`);
    if (args.offset)
        opts.push(`([+-](?:[01]\\d|2[0-3]):[0-5]\\d)`);
    // RFC 3339 mandates seconds wherever the time carries a `Z` or an offset, so only the unqualified form `local` adds may omit them
    const qualified = `${timeSource({ precision: args.precision, seconds: true })}(?:${opts.join("|")})`;
    const timeRegex = args.local ? `${qualified}|${timeSource({ precision: args.precision })}` : qualified;
    return new RegExp(`^${dateSource}T(?:${timeRegex})$`);
}
// the unbounded form of `string()` as a literal, so every plain string shares one instance instead of building its own
const anyString = /^[\s\S]{0,}$/;
const string = (params) => {
    const regex = params ? `[\\s\\S]{${params?.minimum ?? 0},${params?.maximum ?? ""}}` : `[\\s\\S]*`;
    return new RegExp(`^${regex}$`);
};
const bigint = /^-?\d+n?$/;
const integer = /^-?\d+$/;
const number = /^-?\d+(?:\.\d+)?$/;
const regexes_boolean = /^(?:true|false)$/i;
const _null = /^null$/i;

const _undefined = /^undefined$/i;

// regex for string with no uppercase letters
const lowercase = /^[^A-Z]*$/;
// regex for string with no lowercase letters
const uppercase = /^[^a-z]*$/;
// regex for hexadecimal strings (any length)
const hex = /^[0-9a-fA-F]*$/;
// Hash regexes for different algorithms and encodings
// Helper function to create base64 regex with exact length and padding
function fixedBase64(bodyLength, padding) {
    return new RegExp(`^[A-Za-z0-9+/]{${bodyLength}}${padding}$`);
}
// Helper function to create base64url regex with exact length (no padding)
function fixedBase64url(length) {
    return new RegExp(`^[A-Za-z0-9_-]{${length}}$`);
}
// MD5 (16 bytes): base64 = 24 chars total (22 + "==")
const md5_hex = /^[0-9a-fA-F]{32}$/;
const md5_base64 = /*@__PURE__*/ (/* unused pure expression or super */ null && (fixedBase64(22, "==")));
const md5_base64url = /*@__PURE__*/ (/* unused pure expression or super */ null && (fixedBase64url(22)));
// SHA1 (20 bytes): base64 = 28 chars total (27 + "=")
const sha1_hex = /^[0-9a-fA-F]{40}$/;
const sha1_base64 = /*@__PURE__*/ (/* unused pure expression or super */ null && (fixedBase64(27, "=")));
const sha1_base64url = /*@__PURE__*/ (/* unused pure expression or super */ null && (fixedBase64url(27)));
// SHA256 (32 bytes): base64 = 44 chars total (43 + "=")
const sha256_hex = /^[0-9a-fA-F]{64}$/;
const sha256_base64 = /*@__PURE__*/ (/* unused pure expression or super */ null && (fixedBase64(43, "=")));
const sha256_base64url = /*@__PURE__*/ (/* unused pure expression or super */ null && (fixedBase64url(43)));
// SHA384 (48 bytes): base64 = 64 chars total (no padding)
const sha384_hex = /^[0-9a-fA-F]{96}$/;
const sha384_base64 = /*@__PURE__*/ (/* unused pure expression or super */ null && (fixedBase64(64, "")));
const sha384_base64url = /*@__PURE__*/ (/* unused pure expression or super */ null && (fixedBase64url(64)));
// SHA512 (64 bytes): base64 = 88 chars total (86 + "==")
const sha512_hex = /^[0-9a-fA-F]{128}$/;
const sha512_base64 = /*@__PURE__*/ (/* unused pure expression or super */ null && (fixedBase64(86, "==")));
const sha512_base64url = /*@__PURE__*/ (/* unused pure expression or super */ null && (fixedBase64url(86)));

;// CONCATENATED MODULE: ./node_modules/zod/v4/core/checks.js
// import { $ZodType } from "./schemas.js";



const $ZodCheck = /*@__PURE__*/ $constructor("$ZodCheck", (inst, def) => {
    var _a;
    inst._zod ?? (inst._zod = {});
    inst._zod.def = def;
    (_a = inst._zod).onattach ?? (_a.onattach = []);
});
/** Default `when` for size-based checks: run only on non-nullish values with a `size`. */
const _whenHasSize = (payload) => {
    const val = payload.value;
    return !util.nullish(val) && val.size !== undefined;
};
/** Default `when` for length-based checks: run only on non-nullish values with a `length`. */
const _whenHasLength = (payload) => {
    const val = payload.value;
    return !nullish(val) && val.length !== undefined;
};
const numericOriginMap = {
    number: "number",
    bigint: "bigint",
    object: "date",
};
const $ZodCheckLessThan = /*@__PURE__*/ $constructor("$ZodCheckLessThan", (inst, def) => {
    $ZodCheck.init(inst, def);
    const origin = numericOriginMap[typeof def.value];
    inst._zod.check = (payload) => {
        if (def.inclusive ? payload.value <= def.value : payload.value < def.value) {
            return;
        }
        payload.issues.push({
            origin: numericOriginMap[typeof payload.value] ?? origin,
            code: "too_big",
            maximum: typeof def.value === "object" ? def.value.getTime() : def.value,
            input: payload.value,
            inclusive: def.inclusive,
            inst,
            continue: !def.abort,
        });
    };
});
const $ZodCheckGreaterThan = /*@__PURE__*/ $constructor("$ZodCheckGreaterThan", (inst, def) => {
    $ZodCheck.init(inst, def);
    const origin = numericOriginMap[typeof def.value];
    inst._zod.check = (payload) => {
        if (def.inclusive ? payload.value >= def.value : payload.value > def.value) {
            return;
        }
        payload.issues.push({
            origin: numericOriginMap[typeof payload.value] ?? origin,
            code: "too_small",
            minimum: typeof def.value === "object" ? def.value.getTime() : def.value,
            input: payload.value,
            inclusive: def.inclusive,
            inst,
            continue: !def.abort,
        });
    };
});
const $ZodCheckMultipleOf = 
/*@__PURE__*/ $constructor("$ZodCheckMultipleOf", (inst, def) => {
    $ZodCheck.init(inst, def);
    inst._zod.check = (payload) => {
        if (typeof payload.value !== typeof def.value)
            throw new Error("Cannot mix number and bigint in multiple_of check.");
        const isMultiple = typeof payload.value === "bigint"
            ? // `value % 0n` throws, and nothing is a multiple of zero — the number branch already fails this way via NaN
                def.value !== BigInt(0) && payload.value % def.value === BigInt(0)
            : floatSafeRemainder(payload.value, def.value) === 0;
        if (isMultiple)
            return;
        payload.issues.push({
            origin: typeof payload.value,
            code: "not_multiple_of",
            divisor: def.value,
            input: payload.value,
            inst,
            continue: !def.abort,
        });
    };
});
const $ZodCheckNumberFormat = /*@__PURE__*/ $constructor("$ZodCheckNumberFormat", (inst, def) => {
    $ZodCheck.init(inst, def); // no format checks
    def.format = def.format || "float64";
    const isInt = def.format?.includes("int");
    const origin = isInt ? "int" : "number";
    const [minimum, maximum] = NUMBER_FORMAT_RANGES[def.format];
    inst._zod.check = (payload) => {
        const input = payload.value;
        if (isInt) {
            if (!Number.isInteger(input)) {
                // invalid_format issue
                // payload.issues.push({
                //   expected: def.format,
                //   format: def.format,
                //   code: "invalid_format",
                //   input,
                //   inst,
                // });
                // invalid_type issue
                payload.issues.push({
                    expected: origin,
                    format: def.format,
                    code: "invalid_type",
                    continue: false,
                    input,
                    inst,
                });
                return;
                // not_multiple_of issue
                // payload.issues.push({
                //   code: "not_multiple_of",
                //   origin: "number",
                //   input,
                //   inst,
                //   divisor: 1,
                // });
            }
            if (!Number.isSafeInteger(input)) {
                if (input > 0) {
                    // too_big
                    payload.issues.push({
                        input,
                        code: "too_big",
                        maximum: Number.MAX_SAFE_INTEGER,
                        note: "Integers must be within the safe integer range.",
                        inst,
                        origin,
                        inclusive: true,
                        continue: !def.abort,
                    });
                }
                else {
                    // too_small
                    payload.issues.push({
                        input,
                        code: "too_small",
                        minimum: Number.MIN_SAFE_INTEGER,
                        note: "Integers must be within the safe integer range.",
                        inst,
                        origin,
                        inclusive: true,
                        continue: !def.abort,
                    });
                }
                return;
            }
        }
        if (input < minimum) {
            payload.issues.push({
                origin: "number",
                input,
                code: "too_small",
                minimum,
                inclusive: true,
                inst,
                continue: !def.abort,
            });
        }
        if (input > maximum) {
            payload.issues.push({
                origin: "number",
                input,
                code: "too_big",
                maximum,
                inclusive: true,
                inst,
                continue: !def.abort,
            });
        }
    };
});
const $ZodCheckBigIntFormat = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodCheckBigIntFormat", (inst, def) => {
    $ZodCheck.init(inst, def); // no format checks
    const [minimum, maximum] = util.BIGINT_FORMAT_RANGES[def.format];
    inst._zod.check = (payload) => {
        const input = payload.value;
        if (input < minimum) {
            payload.issues.push({
                origin: "bigint",
                input,
                code: "too_small",
                minimum: minimum,
                inclusive: true,
                inst,
                continue: !def.abort,
            });
        }
        if (input > maximum) {
            payload.issues.push({
                origin: "bigint",
                input,
                code: "too_big",
                maximum,
                inclusive: true,
                inst,
                continue: !def.abort,
            });
        }
    };
})));
const $ZodCheckMaxSize = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodCheckMaxSize", (inst, def) => {
    var _a;
    $ZodCheck.init(inst, def);
    (_a = inst._zod.def).when ?? (_a.when = _whenHasSize);
    inst._zod.check = (payload) => {
        const input = payload.value;
        const size = input.size;
        if (size <= def.maximum)
            return;
        payload.issues.push({
            origin: util.getSizableOrigin(input),
            code: "too_big",
            maximum: def.maximum,
            inclusive: true,
            input,
            inst,
            continue: !def.abort,
        });
    };
})));
const $ZodCheckMinSize = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodCheckMinSize", (inst, def) => {
    var _a;
    $ZodCheck.init(inst, def);
    (_a = inst._zod.def).when ?? (_a.when = _whenHasSize);
    inst._zod.check = (payload) => {
        const input = payload.value;
        const size = input.size;
        if (size >= def.minimum)
            return;
        payload.issues.push({
            origin: util.getSizableOrigin(input),
            code: "too_small",
            minimum: def.minimum,
            inclusive: true,
            input,
            inst,
            continue: !def.abort,
        });
    };
})));
const $ZodCheckSizeEquals = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodCheckSizeEquals", (inst, def) => {
    var _a;
    $ZodCheck.init(inst, def);
    (_a = inst._zod.def).when ?? (_a.when = _whenHasSize);
    inst._zod.check = (payload) => {
        const input = payload.value;
        const size = input.size;
        if (size === def.size)
            return;
        const tooBig = size > def.size;
        payload.issues.push({
            origin: util.getSizableOrigin(input),
            ...(tooBig ? { code: "too_big", maximum: def.size } : { code: "too_small", minimum: def.size }),
            inclusive: true,
            exact: true,
            input: payload.value,
            inst,
            continue: !def.abort,
        });
    };
})));
const $ZodCheckMaxLength = /*@__PURE__*/ $constructor("$ZodCheckMaxLength", (inst, def) => {
    var _a;
    $ZodCheck.init(inst, def);
    (_a = inst._zod.def).when ?? (_a.when = _whenHasLength);
    inst._zod.check = (payload) => {
        const input = payload.value;
        const units = input.length;
        // Strings are measured in Unicode code points, not UTF-16 units. A code point is at most two units, so a string that already fits in units fits in code points; only an overflow has to be counted.
        const length = typeof input === "string" && units > def.maximum ? codePointLength(input) : units;
        if (length <= def.maximum)
            return;
        const origin = getLengthableOrigin(input);
        payload.issues.push({
            origin,
            code: "too_big",
            maximum: def.maximum,
            inclusive: true,
            input,
            inst,
            continue: !def.abort,
        });
    };
});
const $ZodCheckMinLength = /*@__PURE__*/ $constructor("$ZodCheckMinLength", (inst, def) => {
    var _a;
    $ZodCheck.init(inst, def);
    (_a = inst._zod.def).when ?? (_a.when = _whenHasLength);
    inst._zod.check = (payload) => {
        const input = payload.value;
        const units = input.length;
        // A code point is one or two UTF-16 units, so fewer units than the floor can never reach it and twice the floor always clears it. Only in between is the exact count in doubt.
        const length = typeof input === "string" && units >= def.minimum && units < def.minimum * 2
            ? codePointLength(input)
            : units;
        if (length >= def.minimum)
            return;
        const origin = getLengthableOrigin(input);
        payload.issues.push({
            origin,
            code: "too_small",
            minimum: def.minimum,
            inclusive: true,
            input,
            inst,
            continue: !def.abort,
        });
    };
});
const $ZodCheckLengthEquals = /*@__PURE__*/ $constructor("$ZodCheckLengthEquals", (inst, def) => {
    var _a;
    $ZodCheck.init(inst, def);
    (_a = inst._zod.def).when ?? (_a.when = _whenHasLength);
    inst._zod.check = (payload) => {
        const input = payload.value;
        const units = input.length;
        // A code point is one or two UTF-16 units, so outside `[length, length * 2]` units the target is missed either way — and missed in the same direction in both measures.
        const length = typeof input === "string" && units >= def.length && units <= def.length * 2
            ? codePointLength(input)
            : units;
        if (length === def.length)
            return;
        const origin = getLengthableOrigin(input);
        const tooBig = length > def.length;
        payload.issues.push({
            origin,
            ...(tooBig ? { code: "too_big", maximum: def.length } : { code: "too_small", minimum: def.length }),
            inclusive: true,
            exact: true,
            input: payload.value,
            inst,
            continue: !def.abort,
        });
    };
});
const $ZodCheckStringFormat = /*@__PURE__*/ $constructor("$ZodCheckStringFormat", (inst, def) => {
    var _a, _b;
    $ZodCheck.init(inst, def);
    if (def.pattern)
        (_a = inst._zod).check ?? (_a.check = (payload) => {
            def.pattern.lastIndex = 0;
            if (def.pattern.test(payload.value))
                return;
            payload.issues.push({
                origin: "string",
                code: "invalid_format",
                format: def.format,
                input: payload.value,
                ...(def.pattern ? { pattern: def.pattern.toString() } : {}),
                inst,
                continue: !def.abort,
            });
        });
    else
        (_b = inst._zod).check ?? (_b.check = () => { });
});
const $ZodCheckRegex = /*@__PURE__*/ $constructor("$ZodCheckRegex", (inst, def) => {
    $ZodCheckStringFormat.init(inst, def);
    inst._zod.check = (payload) => {
        def.pattern.lastIndex = 0;
        if (def.pattern.test(payload.value))
            return;
        payload.issues.push({
            origin: "string",
            code: "invalid_format",
            format: "regex",
            input: payload.value,
            pattern: def.pattern.toString(),
            inst,
            continue: !def.abort,
        });
    };
});
const $ZodCheckLowerCase = /*@__PURE__*/ $constructor("$ZodCheckLowerCase", (inst, def) => {
    def.pattern ?? (def.pattern = lowercase);
    $ZodCheckStringFormat.init(inst, def);
});
const $ZodCheckUpperCase = /*@__PURE__*/ $constructor("$ZodCheckUpperCase", (inst, def) => {
    def.pattern ?? (def.pattern = uppercase);
    $ZodCheckStringFormat.init(inst, def);
});
const $ZodCheckIncludes = /*@__PURE__*/ $constructor("$ZodCheckIncludes", (inst, def) => {
    $ZodCheck.init(inst, def);
    const escapedRegex = escapeRegex(def.includes);
    // `String.prototype.includes(sub, position)` matches `sub` at `position`
    // OR LATER, so the pattern must allow at least `position` leading chars
    // (`{N,}`), not exactly `position` chars (`{N}`).
    const pattern = new RegExp(typeof def.position === "number" ? `^.{${def.position},}${escapedRegex}` : escapedRegex);
    def.pattern = pattern;
    inst._zod.check = (payload) => {
        if (payload.value.includes(def.includes, def.position))
            return;
        payload.issues.push({
            origin: "string",
            code: "invalid_format",
            format: "includes",
            includes: def.includes,
            input: payload.value,
            inst,
            continue: !def.abort,
        });
    };
});
const $ZodCheckStartsWith = /*@__PURE__*/ $constructor("$ZodCheckStartsWith", (inst, def) => {
    $ZodCheck.init(inst, def);
    const pattern = new RegExp(`^${escapeRegex(def.prefix)}.*`);
    def.pattern ?? (def.pattern = pattern);
    inst._zod.check = (payload) => {
        if (payload.value.startsWith(def.prefix))
            return;
        payload.issues.push({
            origin: "string",
            code: "invalid_format",
            format: "starts_with",
            prefix: def.prefix,
            input: payload.value,
            inst,
            continue: !def.abort,
        });
    };
});
const $ZodCheckEndsWith = /*@__PURE__*/ $constructor("$ZodCheckEndsWith", (inst, def) => {
    $ZodCheck.init(inst, def);
    const pattern = new RegExp(`.*${escapeRegex(def.suffix)}$`);
    def.pattern ?? (def.pattern = pattern);
    inst._zod.check = (payload) => {
        if (payload.value.endsWith(def.suffix))
            return;
        payload.issues.push({
            origin: "string",
            code: "invalid_format",
            format: "ends_with",
            suffix: def.suffix,
            input: payload.value,
            inst,
            continue: !def.abort,
        });
    };
});
///////////////////////////////////
/////    $ZodCheckProperty    /////
///////////////////////////////////
function handleCheckPropertyResult(result, payload, property) {
    if (result.issues.length) {
        payload.issues.push(...prefixIssues(property, result.issues));
    }
}
const $ZodCheckProperty = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodCheckProperty", (inst, def) => {
    $ZodCheck.init(inst, def);
    inst._zod.check = (payload) => {
        const result = def.schema._zod.run({
            value: payload.value[def.property],
            issues: [],
        }, {});
        if (result instanceof Promise) {
            return result.then((result) => handleCheckPropertyResult(result, payload, def.property));
        }
        handleCheckPropertyResult(result, payload, def.property);
        return;
    };
})));
const $ZodCheckProperties = /*@__PURE__*/ $constructor("$ZodCheckProperties", (inst, def) => {
    $ZodCheck.init(inst, def);
    hide(inst, Symbol.iterator, function* () {
        yield inst;
    });
    // key and schema snapshotted together: reading one live and the other cached lets a later mutation of the caller's shape object pair a stale key with a missing schema
    let entries;
    inst._zod.check = (payload) => {
        // the base schema already typed the value, so only a nullish one is rejected here: the properties read on a primitive too, matching z.property() on a string's length
        if (payload.value == null) {
            payload.issues.push({ expected: "object", code: "invalid_type", input: payload.value, inst });
            return undefined;
        }
        entries ?? (entries = Reflect.ownKeys(def.shape).map((key) => [key, def.shape[key]]));
        const input = payload.value;
        let proms;
        for (const [key, schema] of entries) {
            const result = schema._zod.run({ value: input[key], issues: [] }, {});
            if (result instanceof Promise) {
                proms ?? (proms = []);
                proms.push(result.then((result) => handleCheckPropertyResult(result, payload, key)));
            }
            else {
                handleCheckPropertyResult(result, payload, key);
            }
        }
        if (proms)
            return Promise.all(proms).then(() => undefined);
        return undefined;
    };
});
const $ZodCheckMimeType = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodCheckMimeType", (inst, def) => {
    $ZodCheck.init(inst, def);
    const mimeSet = new Set(def.mime);
    inst._zod.check = (payload) => {
        if (mimeSet.has(payload.value.type))
            return;
        payload.issues.push({
            code: "invalid_value",
            values: def.mime,
            input: payload.value.type,
            inst,
            continue: !def.abort,
        });
    };
})));
const $ZodCheckOverwrite = /*@__PURE__*/ $constructor("$ZodCheckOverwrite", (inst, def) => {
    $ZodCheck.init(inst, def);
    inst._zod.check = (payload) => {
        payload.value = def.tx(payload.value);
    };
});

;// CONCATENATED MODULE: ./node_modules/zod/v4/core/doc.js
class Doc {
    constructor(args = [], closed = {}) {
        this.content = [];
        this.indent = 0;
        this.args = args;
        this.closed = closed;
    }
    // the compiler catches a child's throw and keeps writing into this doc, so the indent has to unwind with it
    indented(fn) {
        this.indent += 1;
        try {
            fn(this);
        }
        finally {
            this.indent -= 1;
        }
    }
    write(arg) {
        if (typeof arg === "function") {
            arg(this, { execution: "sync" });
            arg(this, { execution: "async" });
            return;
        }
        const content = arg;
        const lines = content.split("\n").filter((x) => x);
        const minIndent = Math.min(...lines.map((x) => x.length - x.trimStart().length));
        const dedented = lines.map((x) => x.slice(minIndent)).map((x) => " ".repeat(this.indent * 2) + x);
        for (const line of dedented) {
            this.content.push(line);
        }
    }
    compile() {
        const F = Function;
        const content = this?.content ?? [``];
        const factory = new F(...Object.keys(this.closed), `return function (${this.args.join(", ")}) {\n${content.join("\n")}\n};`);
        return factory(...Object.values(this.closed));
    }
}

;// CONCATENATED MODULE: ./node_modules/zod/v4/core/versions.js
const version = {
    major: 4,
    minor: 6,
    patch: 7,
};

;// CONCATENATED MODULE: ./node_modules/zod/v4/core/schemas.js







const $ZodType = /*@__PURE__*/ $constructor("$ZodType", (inst, def) => {
    var _a;
    inst ?? (inst = {});
    inst._zod.def = def; // set _def property
    inst._zod.bag = inst._zod.bag || {}; // initialize _bag object
    inst._zod.version = version;
    const defChecks = inst._zod.def.checks;
    // if inst is itself a checks.$ZodCheck, run it as a check
    const checks = inst._zod.traits.has("$ZodCheck")
        ? [inst, ...(defChecks ?? [])]
        : defChecks?.length
            ? [...defChecks]
            : [];
    for (const ch of checks) {
        for (const fn of ch._zod.onattach) {
            fn(inst);
        }
    }
    if (checks.length === 0) {
        // deferred initializer inst._zod.parse is not yet defined
        (_a = inst._zod).deferred ?? (_a.deferred = []);
        inst._zod.deferred?.push(() => {
            inst._zod.run = inst._zod.parse;
        });
    }
    else {
        const runChecks = (payload, checks, ctx) => {
            if (payload.memo)
                return payload;
            let isAborted = aborted(payload);
            let asyncResult;
            for (const ch of checks) {
                if (ch._zod.def.when) {
                    if (explicitlyAborted(payload))
                        continue;
                    const shouldRun = ch._zod.def.when(payload);
                    if (!shouldRun)
                        continue;
                }
                else if (isAborted) {
                    continue;
                }
                const currLen = payload.issues.length;
                const _ = ch._zod.check(payload);
                if (_ instanceof Promise && ctx?.async === false) {
                    throw new $ZodAsyncError();
                }
                if (asyncResult || _ instanceof Promise) {
                    asyncResult = (asyncResult ?? Promise.resolve()).then(async () => {
                        await _;
                        const nextLen = payload.issues.length;
                        if (nextLen === currLen)
                            return;
                        attachSchema(payload.issues, currLen, inst);
                        if (!isAborted)
                            isAborted = aborted(payload, currLen);
                    });
                }
                else {
                    const nextLen = payload.issues.length;
                    if (nextLen === currLen)
                        continue;
                    attachSchema(payload.issues, currLen, inst);
                    if (!isAborted)
                        isAborted = aborted(payload, currLen);
                }
            }
            if (asyncResult) {
                return asyncResult.then(() => {
                    return payload;
                });
            }
            return payload;
        };
        const handleCanaryResult = (canary, payload, ctx) => {
            // abort if the canary is aborted
            if (aborted(canary)) {
                canary.aborted = true;
                return canary;
            }
            // run checks first, then
            const checkResult = runChecks(payload, checks, ctx);
            if (checkResult instanceof Promise) {
                if (ctx.async === false)
                    throw new $ZodAsyncError();
                return checkResult.then((checkResult) => inst._zod.parse(checkResult, ctx));
            }
            return inst._zod.parse(checkResult, ctx);
        };
        inst._zod.run = (payload, ctx) => {
            if (ctx.skipChecks) {
                return inst._zod.parse(payload, ctx);
            }
            if (ctx.direction === "backward") {
                // run canary initial pass (no checks)
                const canary = inst._zod.parse({ value: payload.value, issues: [] }, { ...ctx, skipChecks: true });
                if (canary instanceof Promise) {
                    return canary.then((canary) => {
                        return handleCanaryResult(canary, payload, ctx);
                    });
                }
                return handleCanaryResult(canary, payload, ctx);
            }
            // forward
            const result = inst._zod.parse(payload, ctx);
            if (result instanceof Promise) {
                if (ctx.async === false)
                    throw new $ZodAsyncError();
                return result.then((result) => runChecks(result, checks, ctx));
            }
            return runChecks(result, checks, ctx);
        };
    }
}, {
    // Wrappers extend this by installing a richer factory over it; reading it eagerly would defeat the laziness.
    get "~standard"() {
        return hide(this, "~standard", standardProps(this));
    },
    set "~standard"(value) {
        own(this, "~standard", value);
    },
});
/** The Standard Schema surface for `inst`. Shared so wrappers can extend it without forcing it. */
// a Standard Schema result only reports issues, so a failure finalizes them straight off the raw payload: no ZodError, and no lazy result to read through
const toStandardResult = (r, ctx) => r.issues.length ? { issues: r.issues.map((iss) => finalizeIssue(iss, ctx, config())) } : { value: r.value };
async function validateAsync(inst, value) {
    const ctx = { async: true };
    return toStandardResult((await inst._zod.run({ value, issues: [] }, ctx)), ctx);
}
function standardProps(inst) {
    return {
        validate: (value) => {
            const ctx = { async: false };
            try {
                const r = inst._zod.run({ value, issues: [] }, ctx);
                if (!(r instanceof Promise))
                    return toStandardResult(r, ctx);
            }
            catch (_) { }
            // async function so a synchronously throwing check rejects instead of escaping validate
            return validateAsync(inst, value);
        },
        vendor: "zod",
        version: 1,
    };
}

const $ZodString = /*@__PURE__*/ $constructor("$ZodString", (inst, def) => {
    $ZodType.init(inst, def);
    // a format's own pattern, else unbounded; a template literal derives the check-aware form itself
    inst._zod.pattern = def.pattern ?? anyString;
    inst._zod.parse = (payload, _) => {
        if (def.coerce)
            try {
                payload.value = String(payload.value);
            }
            catch (_) { }
        if (typeof payload.value === "string")
            return payload;
        payload.issues.push({
            expected: "string",
            code: "invalid_type",
            input: payload.value,
            inst,
        });
        return payload;
    };
});
const $ZodStringFormat = /*@__PURE__*/ $constructor("$ZodStringFormat", (inst, def) => {
    // check initialization must come first
    $ZodCheckStringFormat.init(inst, def);
    $ZodString.init(inst, def);
});
const $ZodGUID = /*@__PURE__*/ $constructor("$ZodGUID", (inst, def) => {
    def.pattern ?? (def.pattern = guid);
    $ZodStringFormat.init(inst, def);
});
const $ZodUUID = /*@__PURE__*/ $constructor("$ZodUUID", (inst, def) => {
    if (def.version) {
        const versionMap = {
            v1: 1,
            v2: 2,
            v3: 3,
            v4: 4,
            v5: 5,
            v6: 6,
            v7: 7,
            v8: 8,
        };
        const v = versionMap[def.version];
        if (v === undefined)
            throw new Error(`Invalid UUID version: "${def.version}"`);
        def.pattern ?? (def.pattern = uuid(v));
    }
    else
        def.pattern ?? (def.pattern = uuid());
    $ZodStringFormat.init(inst, def);
});
const $ZodEmail = /*@__PURE__*/ $constructor("$ZodEmail", (inst, def) => {
    def.pattern ?? (def.pattern = email);
    $ZodStringFormat.init(inst, def);
});
/** The `://` guard rejected the input before the URL constructor saw it. */
const URL_BAD_FORMAT = 1;
/** The URL parser rejected the input. */
const URL_UNPARSEABLE = 2;
function canParseURL(input) {
    try {
        if (typeof URL !== "undefined" && typeof URL.canParse === "function")
            return URL.canParse(input);
        new URL(input);
        return true;
    }
    catch {
        return false;
    }
}
function validateURL(trimmed, def) {
    if (!("normalize" in def) && !("hostname" in def) && !("protocol" in def)) {
        return canParseURL(trimmed) || URL_UNPARSEABLE;
    }
    return parseURLObject(trimmed, def);
}
/** Parses a URL while preserving the non-normalizing HTTP guard. */
function parseURLObject(trimmed, def) {
    // When normalize is off, require :// for http/https URLs. This prevents strings like "http:example.com" or "https:/path" from being silently accepted
    if (!def.normalize && def.protocol?.source === httpProtocol.source && !/^https?:\/\//i.test(trimmed)) {
        return URL_BAD_FORMAT;
    }
    try {
        if (typeof URL !== "undefined") {
            const URLStatic = URL;
            if (typeof URLStatic.parse === "function")
                return URLStatic.parse(trimmed) ?? URL_UNPARSEABLE;
        }
        // @ts-ignore
        return new URL(trimmed);
    }
    catch {
        return URL_UNPARSEABLE;
    }
}
const asciiTabOrNewline = /[\t\n\r]/g;
/** The URL parser deletes every ASCII tab, LF and CR from its input before it parses, so `new URL("https://exa\nmple.com")` reports on `example.com`. Applying the same deletion to the returned value closes the half of that divergence which can move the host; the parser's other rewrite, stripping C0 controls at the edges, cannot. */
function stripTabAndNewline(value) {
    return value.replace(asciiTabOrNewline, "");
}
function urlHostnameOk(url, hostname) {
    hostname.lastIndex = 0;
    return hostname.test(url.hostname);
}
function urlProtocolOk(url, protocol) {
    protocol.lastIndex = 0;
    return protocol.test(url.protocol.endsWith(":") ? url.protocol.slice(0, -1) : url.protocol);
}
const $ZodURL = /*@__PURE__*/ $constructor("$ZodURL", (inst, def) => {
    $ZodStringFormat.init(inst, def);
    inst._zod.check = (payload) => {
        try {
            // Trim whitespace from input
            const trimmed = payload.value.trim();
            const url = validateURL(trimmed, def);
            if (url === URL_BAD_FORMAT) {
                payload.issues.push({
                    code: "invalid_format",
                    format: "url",
                    note: "Invalid URL format",
                    input: payload.value,
                    inst,
                    continue: !def.abort,
                });
                return;
            }
            if (url === URL_UNPARSEABLE) {
                payload.issues.push({
                    code: "invalid_format",
                    format: "url",
                    input: payload.value,
                    inst,
                    continue: !def.abort,
                });
                return;
            }
            if (url === true) {
                payload.value = stripTabAndNewline(trimmed);
                return;
            }
            if (def.hostname && !urlHostnameOk(url, def.hostname)) {
                payload.issues.push({
                    code: "invalid_format",
                    format: "url",
                    note: "Invalid hostname",
                    pattern: def.hostname.source,
                    input: payload.value,
                    inst,
                    continue: !def.abort,
                });
            }
            if (def.protocol && !urlProtocolOk(url, def.protocol)) {
                payload.issues.push({
                    code: "invalid_format",
                    format: "url",
                    note: "Invalid protocol",
                    pattern: def.protocol.source,
                    input: payload.value,
                    inst,
                    continue: !def.abort,
                });
            }
            // Set the output value based on normalize flag
            payload.value = def.normalize ? url.href : stripTabAndNewline(trimmed);
            return;
        }
        catch (_) {
            payload.issues.push({
                code: "invalid_format",
                format: "url",
                input: payload.value,
                inst,
                continue: !def.abort,
            });
        }
    };
});
const $ZodEmoji = /*@__PURE__*/ $constructor("$ZodEmoji", (inst, def) => {
    def.pattern ?? (def.pattern = emoji());
    $ZodStringFormat.init(inst, def);
});
const $ZodNanoID = /*@__PURE__*/ $constructor("$ZodNanoID", (inst, def) => {
    if (def.length !== undefined && (!Number.isInteger(def.length) || def.length < 1))
        throw new Error(`Invalid nanoid length: ${def.length}`);
    def.pattern ?? (def.pattern = def.length === undefined ? nanoid : nanoidOfLength(def.length));
    $ZodStringFormat.init(inst, def);
});
/**
 * @deprecated CUID v1 is deprecated by its authors due to information leakage
 * (timestamps embedded in the id). Use {@link $ZodCUID2} instead.
 * See https://github.com/paralleldrive/cuid.
 */
const $ZodCUID = /*@__PURE__*/ $constructor("$ZodCUID", (inst, def) => {
    def.pattern ?? (def.pattern = cuid);
    $ZodStringFormat.init(inst, def);
});
const $ZodCUID2 = /*@__PURE__*/ $constructor("$ZodCUID2", (inst, def) => {
    def.pattern ?? (def.pattern = cuid2);
    $ZodStringFormat.init(inst, def);
});
const $ZodULID = /*@__PURE__*/ $constructor("$ZodULID", (inst, def) => {
    def.pattern ?? (def.pattern = ulid);
    $ZodStringFormat.init(inst, def);
});
const $ZodXID = /*@__PURE__*/ $constructor("$ZodXID", (inst, def) => {
    def.pattern ?? (def.pattern = xid);
    $ZodStringFormat.init(inst, def);
});
const $ZodKSUID = /*@__PURE__*/ $constructor("$ZodKSUID", (inst, def) => {
    def.pattern ?? (def.pattern = ksuid);
    $ZodStringFormat.init(inst, def);
});
const $ZodISODateTime = /*@__PURE__*/ $constructor("$ZodISODateTime", (inst, def) => {
    def.pattern ?? (def.pattern = datetime(def));
    $ZodStringFormat.init(inst, def);
});
const $ZodISODate = /*@__PURE__*/ $constructor("$ZodISODate", (inst, def) => {
    def.pattern ?? (def.pattern = date);
    $ZodStringFormat.init(inst, def);
});
const $ZodISOTime = /*@__PURE__*/ $constructor("$ZodISOTime", (inst, def) => {
    def.pattern ?? (def.pattern = time(def));
    $ZodStringFormat.init(inst, def);
});
const $ZodISODuration = /*@__PURE__*/ $constructor("$ZodISODuration", (inst, def) => {
    def.pattern ?? (def.pattern = duration);
    $ZodStringFormat.init(inst, def);
});
const $ZodIPv4 = /*@__PURE__*/ $constructor("$ZodIPv4", (inst, def) => {
    def.pattern ?? (def.pattern = ipv4);
    $ZodStringFormat.init(inst, def);
});
/** An IPv6 address is written with hex digits, colons and dots, and nothing else. The guard is what makes the check below an IPv6 check: `new URL("http://[...]")` parses an authority, not an address, so `@` and `\` re-delimit it and `"::@1\\"` validates against the host `0.0.0.1`. The URL parser also deletes ASCII tab, LF and CR rather than failing, which is how `"::1\n"` validated as `::1`. */
const ipv6Alphabet = /^[0-9a-fA-F:.]+$/;
function isValidIPv6(value) {
    if (!ipv6Alphabet.test(value))
        return false;
    return canParseURL(`http://[${value}]`);
}
const $ZodIPv6 = /*@__PURE__*/ $constructor("$ZodIPv6", (inst, def) => {
    def.pattern ?? (def.pattern = ipv6);
    $ZodStringFormat.init(inst, def);
    inst._zod.check = (payload) => {
        if (!isValidIPv6(payload.value)) {
            payload.issues.push({
                code: "invalid_format",
                format: "ipv6",
                input: payload.value,
                inst,
                continue: !def.abort,
            });
        }
    };
});
const $ZodMAC = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodMAC", (inst, def) => {
    def.pattern ?? (def.pattern = regexes.mac(def.delimiter));
    $ZodStringFormat.init(inst, def);
})));
const $ZodCIDRv4 = /*@__PURE__*/ $constructor("$ZodCIDRv4", (inst, def) => {
    def.pattern ?? (def.pattern = cidrv4);
    $ZodStringFormat.init(inst, def);
});
function isValidCIDRv6(value) {
    const parts = value.split("/");
    if (parts.length !== 2)
        return false;
    const [address, prefix] = parts;
    if (!prefix)
        return false;
    const prefixNum = Number(prefix);
    if (`${prefixNum}` !== prefix)
        return false;
    if (prefixNum < 0 || prefixNum > 128)
        return false;
    return isValidIPv6(address);
}
const $ZodCIDRv6 = /*@__PURE__*/ $constructor("$ZodCIDRv6", (inst, def) => {
    def.pattern ?? (def.pattern = cidrv6); // not used for validation
    $ZodStringFormat.init(inst, def);
    inst._zod.check = (payload) => {
        if (!isValidCIDRv6(payload.value)) {
            payload.issues.push({
                code: "invalid_format",
                format: "cidrv6",
                input: payload.value,
                inst,
                continue: !def.abort,
            });
        }
    };
});
//////////////////////////////   ZodBase64   //////////////////////////////
function isValidBase64(data) {
    if (data === "")
        return true;
    // atob ignores whitespace, so reject it up front.
    if (/\s/.test(data))
        return false;
    if (data.length % 4 !== 0)
        return false;
    try {
        // @ts-ignore
        atob(data);
        return true;
    }
    catch {
        return false;
    }
}
// lax on purpose: the quantified regexes.base64 overflows the regex stack on multi-MB input and its leading ^$| alternation leaks through template-literal composition; isValidBase64 enforces length and padding
const base64Charset = /^[0-9a-zA-Z+/]*={0,2}$/;
const $ZodBase64 = /*@__PURE__*/ $constructor("$ZodBase64", (inst, def) => {
    def.pattern ?? (def.pattern = base64Charset);
    $ZodStringFormat.init(inst, def);
    inst._zod.check = (payload) => {
        if (isValidBase64(payload.value))
            return;
        payload.issues.push({
            code: "invalid_format",
            format: "base64",
            input: payload.value,
            inst,
            continue: !def.abort,
        });
    };
});
//////////////////////////////   ZodBase64URL   //////////////////////////////
// lax on purpose: the quantified regexes.base64url overflows the regex stack on multi-MB input; isValidBase64 enforces length on the padded string
const base64urlCharset = /^[A-Za-z0-9_-]*$/;
function isValidBase64URL(data) {
    if (!base64urlCharset.test(data))
        return false;
    const base64 = data.replace(/[-_]/g, (c) => (c === "-" ? "+" : "/"));
    const padded = base64.padEnd(Math.ceil(base64.length / 4) * 4, "=");
    return isValidBase64(padded);
}
const $ZodBase64URL = /*@__PURE__*/ $constructor("$ZodBase64URL", (inst, def) => {
    def.pattern ?? (def.pattern = base64urlCharset);
    $ZodStringFormat.init(inst, def);
    inst._zod.check = (payload) => {
        if (isValidBase64URL(payload.value))
            return;
        payload.issues.push({
            code: "invalid_format",
            format: "base64url",
            input: payload.value,
            inst,
            continue: !def.abort,
        });
    };
});
const $ZodE164 = /*@__PURE__*/ $constructor("$ZodE164", (inst, def) => {
    def.pattern ?? (def.pattern = e164);
    $ZodStringFormat.init(inst, def);
});
//////////////////////////////   ZodCreditCard   //////////////////////////////
const CC_SANITIZE = /[- ]/g;
/** Luhn checksum on a digit-only string. Adapted from valibot (MIT). */
function isLuhnAlgo(digits) {
    let length = digits.length;
    let bit = 1;
    let sum = 0;
    while (length) {
        const value = digits.charCodeAt(--length) - 48;
        bit ^= 1;
        sum += bit ? [0, 2, 4, 6, 8, 1, 3, 5, 7, 9][value] : value;
    }
    return sum % 10 === 0;
}
function isValidCreditCard(input) {
    if (!regexes.creditCard.test(input))
        return false;
    return isLuhnAlgo(input.replace(CC_SANITIZE, ""));
}
const $ZodCreditCard = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodCreditCard", (inst, def) => {
    // Shape only — the Luhn check below is not expressible as a pattern, so consumers of `pattern` (JSON Schema, template literals) get the length and separator rules alone.
    def.pattern ?? (def.pattern = regexes.creditCard);
    $ZodStringFormat.init(inst, def);
    inst._zod.check = (payload) => {
        if (isValidCreditCard(payload.value))
            return;
        payload.issues.push({
            code: "invalid_format",
            format: "credit_card",
            input: payload.value,
            inst,
            continue: !def.abort,
        });
    };
})));
//////////////////////////////   ZodIBAN   //////////////////////////////
// iso 7064 mod 97-10 checksum without BigInt
function isIso7064Mod97(iban) {
    let remainder = 0;
    const len = iban.length;
    for (let i = 4; i < len; i++) {
        const code = iban.charCodeAt(i);
        remainder = (code >= 65 ? remainder * 100 + (code - 55) : remainder * 10 + (code - 48)) % 97;
    }
    for (let i = 0; i < 4; i++) {
        const code = iban.charCodeAt(i);
        remainder = (code >= 65 ? remainder * 100 + (code - 55) : remainder * 10 + (code - 48)) % 97;
    }
    return remainder === 1;
}
function isValidIBAN(input) {
    if (!regexes.iban.test(input))
        return false;
    return isIso7064Mod97(input);
}
const $ZodIBAN = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodIBAN", (inst, def) => {
    // shape only — checksum is not expressible as a pattern
    def.pattern ?? (def.pattern = regexes.iban);
    $ZodStringFormat.init(inst, def);
    inst._zod.check = (payload) => {
        if (isValidIBAN(payload.value))
            return;
        payload.issues.push({
            code: "invalid_format",
            format: "iban",
            input: payload.value,
            inst,
            continue: !def.abort,
        });
    };
})));
//////////////////////////////   ZodJWT   //////////////////////////////
function isValidJWT(token, algorithm = null) {
    try {
        const tokensParts = token.split(".");
        if (tokensParts.length !== 3)
            return false;
        const [header] = tokensParts;
        if (!header)
            return false;
        // @ts-ignore
        const parsedHeader = JSON.parse(atob(header));
        if ("typ" in parsedHeader && parsedHeader?.typ !== "JWT")
            return false;
        if (!parsedHeader.alg)
            return false;
        if (algorithm && (!("alg" in parsedHeader) || parsedHeader.alg !== algorithm))
            return false;
        return true;
    }
    catch {
        return false;
    }
}
const $ZodJWT = /*@__PURE__*/ $constructor("$ZodJWT", (inst, def) => {
    $ZodStringFormat.init(inst, def);
    inst._zod.check = (payload) => {
        if (isValidJWT(payload.value, def.alg))
            return;
        payload.issues.push({
            code: "invalid_format",
            format: "jwt",
            input: payload.value,
            inst,
            continue: !def.abort,
        });
    };
});
const $ZodCustomStringFormat = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodCustomStringFormat", (inst, def) => {
    $ZodStringFormat.init(inst, def);
    inst._zod.check = (payload) => {
        if (def.fn(payload.value))
            return;
        payload.issues.push({
            code: "invalid_format",
            format: def.format,
            input: payload.value,
            inst,
            continue: !def.abort,
        });
    };
})));
const $ZodNumber = /*@__PURE__*/ $constructor("$ZodNumber", (inst, def) => {
    $ZodType.init(inst, def);
    inst._zod.pattern = number;
    inst._zod.parse = (payload, _ctx) => {
        if (def.coerce)
            try {
                payload.value = Number(payload.value);
            }
            catch (_) { }
        const input = payload.value;
        if (typeof input === "number" && !Number.isNaN(input) && Number.isFinite(input)) {
            return payload;
        }
        const received = typeof input === "number"
            ? Number.isNaN(input)
                ? "NaN"
                : !Number.isFinite(input)
                    ? String(input)
                    : undefined
            : undefined;
        payload.issues.push({
            expected: "number",
            code: "invalid_type",
            input,
            inst,
            ...(received ? { received } : {}),
        });
        return payload;
    };
});
const $ZodNumberFormat = /*@__PURE__*/ $constructor("$ZodNumberFormat", (inst, def) => {
    $ZodCheckNumberFormat.init(inst, def);
    $ZodNumber.init(inst, def); // no format checks
});
const $ZodBoolean = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodBoolean", (inst, def) => {
    $ZodType.init(inst, def);
    inst._zod.pattern = regexes.boolean;
    inst._zod.parse = (payload, _ctx) => {
        if (def.coerce)
            try {
                payload.value = Boolean(payload.value);
            }
            catch (_) { }
        const input = payload.value;
        if (typeof input === "boolean")
            return payload;
        payload.issues.push({
            expected: "boolean",
            code: "invalid_type",
            input,
            inst,
        });
        return payload;
    };
})));
const $ZodBigInt = /*@__PURE__*/ $constructor("$ZodBigInt", (inst, def) => {
    $ZodType.init(inst, def);
    inst._zod.pattern = bigint;
    inst._zod.parse = (payload, _ctx) => {
        if (def.coerce)
            try {
                payload.value = BigInt(payload.value);
            }
            catch (_) { }
        if (typeof payload.value === "bigint")
            return payload;
        payload.issues.push({
            expected: "bigint",
            code: "invalid_type",
            input: payload.value,
            inst,
        });
        return payload;
    };
});
const $ZodBigIntFormat = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodBigIntFormat", (inst, def) => {
    checks.$ZodCheckBigIntFormat.init(inst, def);
    $ZodBigInt.init(inst, def); // no format checks
})));
const $ZodSymbol = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodSymbol", (inst, def) => {
    $ZodType.init(inst, def);
    inst._zod.parse = (payload, _ctx) => {
        const input = payload.value;
        if (typeof input === "symbol")
            return payload;
        payload.issues.push({
            expected: "symbol",
            code: "invalid_type",
            input,
            inst,
        });
        return payload;
    };
})));
const $ZodUndefined = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodUndefined", (inst, def) => {
    $ZodType.init(inst, def);
    inst._zod.pattern = regexes.undefined;
    inst._zod.values = new Set([undefined]);
    inst._zod.parse = (payload, _ctx) => {
        const input = payload.value;
        if (typeof input === "undefined")
            return payload;
        payload.issues.push({
            expected: "undefined",
            code: "invalid_type",
            input,
            inst,
        });
        return payload;
    };
})));
const $ZodNull = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodNull", (inst, def) => {
    $ZodType.init(inst, def);
    inst._zod.pattern = regexes.null;
    inst._zod.values = new Set([null]);
    inst._zod.parse = (payload, _ctx) => {
        const input = payload.value;
        if (input === null)
            return payload;
        payload.issues.push({
            expected: "null",
            code: "invalid_type",
            input,
            inst,
        });
        return payload;
    };
})));
const $ZodAny = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodAny", (inst, def) => {
    $ZodType.init(inst, def);
    inst._zod.parse = (payload) => payload;
})));
const $ZodUnknown = /*@__PURE__*/ $constructor("$ZodUnknown", (inst, def) => {
    $ZodType.init(inst, def);
    inst._zod.parse = (payload) => payload;
});
const $ZodNever = /*@__PURE__*/ $constructor("$ZodNever", (inst, def) => {
    $ZodType.init(inst, def);
    inst._zod.parse = (payload, _ctx) => {
        payload.issues.push({
            expected: "never",
            code: "invalid_type",
            input: payload.value,
            inst,
        });
        return payload;
    };
});
const $ZodVoid = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodVoid", (inst, def) => {
    $ZodType.init(inst, def);
    inst._zod.parse = (payload, _ctx) => {
        const input = payload.value;
        if (typeof input === "undefined")
            return payload;
        payload.issues.push({
            expected: "void",
            code: "invalid_type",
            input,
            inst,
        });
        return payload;
    };
})));
const $ZodDate = /*@__PURE__*/ $constructor("$ZodDate", (inst, def) => {
    $ZodType.init(inst, def);
    inst._zod.parse = (payload, _ctx) => {
        if (def.coerce) {
            try {
                payload.value = new Date(payload.value);
            }
            catch (_err) { }
        }
        const input = payload.value;
        const isDate = input instanceof Date;
        const isValidDate = isDate && !Number.isNaN(input.getTime());
        if (isValidDate)
            return payload;
        payload.issues.push({
            expected: "date",
            code: "invalid_type",
            input,
            ...(isDate ? { received: "Invalid Date" } : {}),
            inst,
        });
        return payload;
    };
});
// an oversized container fails its leading size checks before any element is parsed
function capSize(inst, size) {
    const caps = sizeCaps(inst._zod.def.checks);
    if (!caps.length)
        return;
    const cap = Math.min(...caps.map((c) => c[0]));
    const parse = inst._zod.parse;
    inst._zod.parse = (payload, ctx) => {
        const n = size(payload.value);
        if (n > cap && !ctx?.skipChecks && ctx?.direction !== "backward") {
            for (const [max, ch] of sizeCaps(inst._zod.def.checks)) {
                if (n > max && ch._zod.def.when(payload)) {
                    const start = payload.issues.length;
                    ch._zod.check(payload);
                    // the value is still the raw input, so no later check may read it
                    payload.issues[start].continue = false;
                    attachSchema(payload.issues, start, inst);
                    return payload;
                }
            }
        }
        return parse(payload, ctx);
    };
}
const arraySize = (input) => (Array.isArray(input) ? input.length : -1);
const mapSize = (input) => (input instanceof Map ? input.size : -1);
const setSize = (input) => (input instanceof Set ? input.size : -1);
function handleArrayResult(result, final, index) {
    if (result.issues.length) {
        final.issues.push(...prefixIssues(index, result.issues));
    }
    final.value[index] = result.value;
}
const $ZodArray = /*@__PURE__*/ $constructor("$ZodArray", (inst, def) => {
    $ZodType.init(inst, def);
    const memo = globalConfig.memoizer;
    memo?.attach(inst);
    inst._zod.parse = (payload, ctx) => {
        const input = payload.value;
        if (!Array.isArray(input)) {
            payload.issues.push({
                expected: "array",
                code: "invalid_type",
                input,
                inst,
            });
            return payload;
        }
        payload.value = memo ? memo.alloc(inst, payload, Array(input.length), ctx) : Array(input.length);
        const proms = [];
        const abortEarly = ctx?.abortEarly;
        for (let i = 0; i < input.length; i++) {
            const item = input[i];
            const result = def.element._zod.run({
                value: item,
                issues: [],
            }, ctx);
            if (result instanceof Promise) {
                proms.push(result.then((result) => handleArrayResult(result, payload, i)));
            }
            else {
                handleArrayResult(result, payload, i);
                // the element's payload is authoritative here, since handleArrayResult forwards every issue; an object's is not, because it drops a failed absent optional
                if (abortEarly && result.issues.length !== 0 && aborted(result))
                    break;
            }
        }
        if (proms.length) {
            return Promise.all(proms).then(() => payload);
        }
        return payload; //handleArrayResultsAsync(parseResults, final);
    };
    capSize(inst, arraySize);
});
function handlePropertyResult(result, final, key, input, optin, optout) {
    const isPresent = key in input;
    const isOptionalOut = optout === "optional";
    // The middle rung means "absence permitted, nothing supplied in its place", so an absent key contributes nothing — whatever the schema made of `undefined` is invented, not substituted. Only `optional` reaches this with a value: `defaulted` substitutes, and a schema that isn't optional-out has to keep the key.
    if (!isPresent && isOptionalOut && optin === "optional") {
        return;
    }
    if (result.issues.length) {
        // For optional-in/out schemas, ignore errors on absent keys.
        if (optin !== undefined && isOptionalOut && !isPresent) {
            return;
        }
        final.issues.push(...prefixIssues(key, result.issues));
    }
    if (!isPresent && optin === undefined) {
        if (!result.issues.length) {
            final.issues.push({
                code: "invalid_type",
                expected: "nonoptional",
                input: undefined,
                path: [key],
            });
        }
        return;
    }
    if (result.value === undefined) {
        if (isPresent || (optin === "defaulted" && !isOptionalOut)) {
            final.value[key] = undefined;
        }
    }
    else {
        final.value[key] = result.value;
    }
}
// one shared instance; a fresh [] per schema cost 56 bytes retained
const NO_SYMBOL_KEYS = [];
function normalizeDef(def) {
    const keys = Object.keys(def.shape);
    const ownSymbols = Object.getOwnPropertySymbols(def.shape);
    const symbolKeys = ownSymbols.length ? ownSymbols : NO_SYMBOL_KEYS;
    // aliases `keys` when there are no symbols, so a string-only shape keeps one array
    const allKeys = symbolKeys.length ? [...keys, ...symbolKeys] : keys;
    for (const k of allKeys) {
        if (!def.shape?.[k]?._zod?.traits?.has("$ZodType")) {
            throw new Error(`Invalid element at key "${String(k)}": expected a Zod schema`);
        }
    }
    const okeys = optionalKeys(def.shape);
    return {
        ...def,
        allKeys,
        symbolKeys,
        // string-only: handleCatchall matches it against `for...in`, which never yields a symbol
        keySet: new Set(keys),
        numKeys: keys.length,
        optionalKeys: new Set(okeys),
    };
}
function handleCatchall(proms, input, payload, ctx, def, inst, abortEarly) {
    const unrecognized = [];
    const keySet = def.keySet;
    const _catchall = def.catchall._zod;
    const t = _catchall.def.type;
    const optin = _catchall.optin;
    const optout = _catchall.optout;
    // starts at 0, not the current length: the shape phase already ran and may have aborted
    let seen = 0;
    for (const key in input) {
        if (abortEarly && payload.issues.length !== seen) {
            if (aborted(payload, seen))
                break;
            seen = payload.issues.length;
        }
        // Must precede the __proto__ branch: a declared key is not unrecognized, even though the shape loop deliberately strips __proto__ from the parsed output.
        if (keySet.has(key))
            continue;
        // Don't copy an undeclared __proto__ into the result; assignment to a plain {} would replace the result prototype. But in strict mode it is still an unknown key, so report it before skipping.
        if (key === "__proto__") {
            if (t === "never")
                unrecognized.push(key);
            continue;
        }
        if (t === "never") {
            unrecognized.push(key);
            continue;
        }
        const r = _catchall.run({ value: input[key], issues: [] }, ctx);
        if (r instanceof Promise) {
            proms.push(r.then((r) => handlePropertyResult(r, payload, key, input, optin, optout)));
        }
        else {
            handlePropertyResult(r, payload, key, input, optin, optout);
        }
    }
    if (unrecognized.length) {
        payload.issues.push({
            code: "unrecognized_keys",
            keys: unrecognized,
            input,
            inst,
            // Describes the shape of the input, not the validity of the parsed value, so it never aborts. The parse still fails; the schema's own checks just get to run first, and an enclosing intersection can reconcile the key against a sibling operand.
            continue: true,
        });
    }
    if (!proms.length)
        return payload;
    return Promise.all(proms).then(() => {
        return payload;
    });
}
const $ZodObject = /*@__PURE__*/ $constructor("$ZodObject", (inst, def) => {
    // requires cast because technically $ZodObject doesn't extend
    $ZodType.init(inst, def);
    const desc = Object.getOwnPropertyDescriptor(def, "shape");
    // a cloned def carries its source's accessor, which knows the shape it answers from; adopting that keeps the clone's keys readable without running it
    const sh = desc?.get ? desc.get.raw : (def.shape ?? {});
    if (sh) {
        // Freezes the shape on first read, so its getters resolve once and every later read sees the same schemas.
        const get = () => {
            const newSh = { ...sh };
            Object.defineProperty(def, "shape", { value: newSh });
            get.raw = newSh;
            return newSh;
        };
        get.raw = sh;
        Object.defineProperty(def, "shape", { get });
    }
    const _normalized = cached(() => normalizeDef(def));
    defineLazyInternal(inst, "propValues", (zod) => {
        const shape = zod.def.shape;
        const propValues = {};
        for (const key in shape) {
            const field = shape[key]._zod;
            if (field.values) {
                if (!Object.prototype.hasOwnProperty.call(propValues, key)) {
                    util_assignProp(propValues, key, new Set());
                }
                for (const v of field.values)
                    propValues[key].add(v);
                // An omittable slot reads back as undefined at a discriminator lookup, so it has to claim undefined: two options that can both omit the key are not discriminable on it.
                if (field.optin !== undefined)
                    propValues[key].add(undefined);
            }
        }
        return propValues;
    });
    const isObject = util_isObject;
    const catchall = def.catchall;
    let value;
    const memo = globalConfig.memoizer;
    memo?.attach(inst);
    inst._zod.parse = (payload, ctx) => {
        value ?? (value = _normalized.value);
        const input = payload.value;
        if (!isObject(input)) {
            payload.issues.push({
                expected: "object",
                code: "invalid_type",
                input,
                inst,
            });
            return payload;
        }
        payload.value = memo ? memo.alloc(inst, payload, {}, ctx) : {};
        const proms = [];
        const shape = value.shape;
        const abortEarly = ctx?.abortEarly;
        let seen = payload.issues.length;
        for (const key of value.allKeys) {
            if (abortEarly && payload.issues.length !== seen) {
                if (aborted(payload, seen))
                    break;
                seen = payload.issues.length;
            }
            if (key === "__proto__")
                continue;
            const el = shape[key];
            const optin = el._zod.optin;
            const optout = el._zod.optout;
            const r = el._zod.run({ value: input[key], issues: [] }, ctx);
            if (r instanceof Promise) {
                proms.push(r.then((r) => handlePropertyResult(r, payload, key, input, optin, optout)));
            }
            else {
                handlePropertyResult(r, payload, key, input, optin, optout);
            }
        }
        if (!catchall) {
            return proms.length ? Promise.all(proms).then(() => payload) : payload;
        }
        return handleCatchall(proms, input, payload, ctx, _normalized.value, inst, abortEarly === true);
    };
});
const $ZodObjectJIT = /*@__PURE__*/ $constructor("$ZodObjectJIT", (inst, def) => {
    // requires cast because technically $ZodObject doesn't extend
    $ZodObject.init(inst, def);
    const superParse = inst._zod.parse;
    const _normalized = cached(() => normalizeDef(def));
    const memo = globalConfig.memoizer;
    const generateFastpass = (shape) => {
        const normalized = _normalized.value;
        const syms = normalized.symbolKeys;
        // a symbol has no source literal, so it is read as `syms[i]` off the closed-over scope
        const doc = new Doc(["payload", "ctx"], { shape, inst, memo, syms });
        const parseStr = (k) => `shape[${k}]._zod.run({ value: input[${k}], issues: [] }, ctx)`;
        // prefixes in place, like util.prefixIssues. newResult must land before the early return: a catchall runs after this and would otherwise write onto the caller's input
        const prefixStr = (id, k) => `
          let ${id}_ab = false;
          for (let i = 0; i < ${id}.issues.length; i++) {
            const iss = ${id}.issues[i];
            iss.path = iss.path ? [${k}, ...iss.path] : [${k}];
            payload.issues.push(iss);
            if (iss.continue !== true) ${id}_ab = true;
          }
          if (${id}_ab && ctx && ctx.abortEarly) {
            payload.value = newResult;
            return payload;
          }`;
        doc.write(`const input = payload.value;`);
        const ids = Object.create(null);
        let counter = 0;
        for (const key of normalized.allKeys) {
            ids[key] = `key_${counter++}`;
        }
        // A: preserve key order {
        doc.write(memo ? `const newResult = memo.alloc(inst, payload, {}, ctx);` : `const newResult = {};`);
        for (const key of normalized.allKeys) {
            if (key === "__proto__")
                continue;
            const id = ids[key];
            const k = typeof key === "symbol" ? `syms[${syms.indexOf(key)}]` : esc(key);
            const isPresent = `${k} in input`;
            const schema = shape[key];
            const optin = schema?._zod?.optin;
            const isOptionalIn = optin !== undefined;
            const isOptionalOut = schema?._zod?.optout === "optional";
            doc.write(`const ${id} = ${parseStr(k)};`);
            if (isOptionalIn && isOptionalOut) {
                // For optional-in/out schemas, ignore errors on absent keys — and, like the interpreted path, drop the value produced alongside them. The middle rung goes further: it permits absence without supplying anything in its place, so an absent key contributes nothing at all.
                const assign = optin === "optional" ? `${id}_present` : `${id}.value !== undefined || ${id}_present`;
                doc.write(`
        const ${id}_present = ${isPresent};
        if (!${id}.issues.length || ${id}_present) {
          if (${id}.issues.length) {${prefixStr(id, k)}
          }

          if (${assign}) {
            newResult[${k}] = ${id}.value;
          }
        }

      `);
            }
            else if (!isOptionalIn) {
                doc.write(`
        const ${id}_present = ${isPresent};
        if (${id}.issues.length) {${prefixStr(id, k)}
        }
        if (!${id}_present && !${id}.issues.length) {
          payload.issues.push({
            code: "invalid_type",
            expected: "nonoptional",
            input: undefined,
            path: [${k}]
          });
          if (ctx && ctx.abortEarly) {
            payload.value = newResult;
            return payload;
          }
        }

        if (${id}_present) {
          newResult[${k}] = ${id}.value;
        }

      `);
            }
            else {
                doc.write(`
        if (${id}.issues.length) {${prefixStr(id, k)}
        }
      `);
                if (optin === "defaulted") {
                    doc.write(`newResult[${k}] = ${id}.value;`);
                }
                else {
                    doc.write(`
        if (${id}.value !== undefined || ${isPresent}) {
          newResult[${k}] = ${id}.value;
        }
      `);
                }
            }
        }
        doc.write(`payload.value = newResult;`);
        doc.write(`return payload;`);
        // closing `shape` in is what pays: turbofan specializes the parser against that one shape object, so every `shape[k]._zod.run` folds to a known callee. as a parameter it stays a generic load and measures 13% slower even with the forwarding frame gone
        return doc.compile();
    };
    let fastpass;
    const isObject = util_isObject;
    const jit = !globalConfig.jitless;
    const allowsEval = util_allowsEval;
    const fastEnabled = jit && allowsEval.value; // && !def.catchall;
    const catchall = def.catchall;
    let value;
    inst._zod.parse = (payload, ctx) => {
        value ?? (value = _normalized.value);
        const input = payload.value;
        if (!isObject(input)) {
            payload.issues.push({
                expected: "object",
                code: "invalid_type",
                input,
                inst,
            });
            return payload;
        }
        if (jit && fastEnabled && ctx?.async === false && ctx.jitless !== true) {
            // always synchronous
            if (!fastpass)
                fastpass = generateFastpass(def.shape);
            payload = fastpass(payload, ctx);
            if (!catchall)
                return payload;
            return handleCatchall([], input, payload, ctx, value, inst, ctx?.abortEarly === true);
        }
        return superParse(payload, ctx);
    };
});
function handleUnionResults(results, final, inst, ctx) {
    for (const result of results) {
        if (result.issues.length === 0) {
            final.value = result.value;
            return final;
        }
    }
    const nonaborted = results.filter((r) => !aborted(r));
    if (nonaborted.length === 1) {
        final.value = nonaborted[0].value;
        return nonaborted[0];
    }
    final.issues.push({
        code: "invalid_union",
        input: final.value,
        inst,
        errors: results.map((result) => result.issues.map((iss) => finalizeIssue(iss, ctx, config()))),
    });
    return final;
}
const $ZodUnion = /*@__PURE__*/ $constructor("$ZodUnion", (inst, def) => {
    $ZodType.init(inst, def);
    defineLazyInternal(inst, "optin", (zod) => zod.def.options.some((o) => o._zod.optin === "defaulted")
        ? "defaulted"
        : zod.def.options.some((o) => o._zod.optin !== undefined)
            ? "optional"
            : undefined);
    defineLazyInternal(inst, "optout", (zod) => zod.def.options.some((o) => o._zod.optout === "optional") ? "optional" : undefined);
    defineLazyInternal(inst, "values", (zod) => {
        if (zod.def.options.every((o) => o._zod.values)) {
            return new Set(zod.def.options.flatMap((option) => Array.from(option._zod.values)));
        }
        return undefined;
    });
    defineLazyInternal(inst, "pattern", (zod) => {
        if (zod.def.options.every((o) => o._zod.pattern)) {
            const patterns = zod.def.options.map((o) => o._zod.pattern);
            return new RegExp(`^(${patterns.map((p) => cleanRegex(p.source)).join("|")})$`);
        }
        return undefined;
    });
    const first = def.options.length === 1 ? def.options[0]._zod.run : null;
    inst._zod.parse = (payload, ctx) => {
        if (first) {
            return first(payload, ctx);
        }
        let async = false;
        const results = [];
        for (const option of def.options) {
            const result = option._zod.run({
                value: payload.value,
                issues: [],
            }, ctx);
            if (result instanceof Promise) {
                results.push(result);
                async = true;
            }
            else {
                if (result.issues.length === 0)
                    return result;
                results.push(result);
            }
        }
        if (!async)
            return handleUnionResults(results, payload, inst, ctx);
        return Promise.all(results).then((results) => {
            return handleUnionResults(results, payload, inst, ctx);
        });
    };
});
function handleExclusiveUnionResults(results, final, inst, ctx) {
    const matches = [];
    for (let i = 0; i < results.length; i++) {
        if (results[i].issues.length === 0)
            matches.push(i);
    }
    if (matches.length === 1) {
        final.value = results[matches[0]].value;
        return final;
    }
    if (matches.length === 0) {
        // No matches - same as regular union
        final.issues.push({
            code: "invalid_union",
            input: final.value,
            inst,
            errors: results.map((result) => result.issues.map((iss) => util.finalizeIssue(iss, ctx, core.config()))),
        });
    }
    else {
        // Multiple matches - exclusive union failure
        final.issues.push({
            code: "invalid_union",
            input: final.value,
            inst,
            errors: [],
            inclusive: false,
            matches,
        });
    }
    return final;
}
const $ZodXor = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodXor", (inst, def) => {
    $ZodUnion.init(inst, def);
    def.inclusive = false;
    const first = def.options.length === 1 ? def.options[0]._zod.run : null;
    inst._zod.parse = (payload, ctx) => {
        if (first) {
            return first(payload, ctx);
        }
        let async = false;
        const results = [];
        for (const option of def.options) {
            const result = option._zod.run({
                value: payload.value,
                issues: [],
            }, ctx);
            if (result instanceof Promise) {
                results.push(result);
                async = true;
            }
            else {
                results.push(result);
            }
        }
        if (!async)
            return handleExclusiveUnionResults(results, payload, inst, ctx);
        return Promise.all(results).then((results) => {
            return handleExclusiveUnionResults(results, payload, inst, ctx);
        });
    };
})));
/** Returns the option whose discriminator claims `value`, or throws if ambiguous. */
function getDiscriminatedOption(union, value) {
    const internals = union._zod;
    let map = internals.bag.optionsMap;
    if (!map) {
        map = discriminatorMap(internals.def);
        internals.bag.optionsMap = map;
    }
    const option = map.get(value);
    if (option === null)
        throw new Error(`Ambiguous discriminator value "${String(value)}"`);
    return option;
}
function discriminatorMap(def) {
    const map = new Map();
    for (const option of def.options) {
        const values = option._zod.propValues?.[def.discriminator];
        if (!values || values.size === 0)
            throw new Error(`Invalid discriminated union option at index "${def.options.indexOf(option)}"`);
        for (const value of values) {
            if (map.has(value)) {
                if (value !== undefined)
                    throw new Error(`Duplicate discriminator value "${String(value)}"`);
                // keep the collision marked so a later member cannot reclaim it
                map.set(value, null);
            }
            else {
                map.set(value, option);
            }
        }
    }
    return map;
}
const $ZodDiscriminatedUnion = 
/*@__PURE__*/
(/* unused pure expression or super */ null && (core.$constructor("$ZodDiscriminatedUnion", (inst, def) => {
    def.inclusive = false;
    $ZodUnion.init(inst, def);
    const _super = inst._zod.parse;
    util.defineLazyInternal(inst, "propValues", (zod) => {
        const propValues = {};
        let undefinedCount = 0;
        for (const option of zod.def.options) {
            const pv = option._zod.propValues;
            if (!pv || Object.keys(pv).length === 0)
                throw new Error(`Invalid discriminated union option at index "${zod.def.options.indexOf(option)}"`);
            if (pv[zod.def.discriminator]?.has(undefined))
                undefinedCount++;
            for (const [k, v] of Object.entries(pv)) {
                if (!Object.prototype.hasOwnProperty.call(propValues, k)) {
                    util.assignProp(propValues, k, new Set());
                }
                for (const val of v) {
                    propValues[k].add(val);
                }
            }
        }
        if (!zod.def.unionFallback && undefinedCount > 1)
            propValues[zod.def.discriminator]?.delete(undefined);
        return propValues;
    });
    // Checked now rather than in the lookup map below, so an option that lacks the discriminator fails at the `discriminatedUnion` call instead of on the first object parsed. Options whose shape cannot be enumerated without resolving it — pipes and lazies — are left to the map.
    def.options.forEach((option, i) => {
        const propShape = util.rawShape(option._zod.def);
        if (propShape && !Object.prototype.hasOwnProperty.call(propShape, def.discriminator)) {
            throw new Error(`Invalid discriminated union option at index "${i}"`);
        }
    });
    const disc = util.cached(() => discriminatorMap(def));
    inst._zod.parse = (payload, ctx) => {
        const input = payload.value;
        if (!util.isObject(input)) {
            payload.issues.push({
                code: "invalid_type",
                expected: "object",
                input,
                inst,
            });
            return payload;
        }
        const value = input?.[def.discriminator];
        const opt = disc.value.get(value);
        // forward metadata cannot choose an encoder for an absent tag
        if (opt && (value !== undefined || ctx.direction !== "backward")) {
            return opt._zod.run(payload, ctx);
        }
        // Fall back to union matching when the fast discriminator path fails:
        // - explicitly enabled via unionFallback, or
        // - during backward direction (encode), since codec-based discriminators have different values in forward vs backward directions
        if (def.unionFallback || ctx.direction === "backward") {
            return _super(payload, ctx);
        }
        // no matching discriminator
        payload.issues.push({
            code: "invalid_union",
            errors: [],
            note: "No matching discriminator",
            discriminator: def.discriminator,
            options: Array.from(disc.value.keys()).filter((value) => disc.value.get(value) !== null),
            input,
            path: [def.discriminator],
            inst,
        });
        return payload;
    };
})));
const $ZodIntersection = /*@__PURE__*/ $constructor("$ZodIntersection", (inst, def) => {
    $ZodType.init(inst, def);
    inst._zod.parse = (payload, ctx) => {
        const input = payload.value;
        const left = def.left._zod.run({ value: input, issues: [] }, ctx);
        const right = def.right._zod.run({ value: input, issues: [] }, ctx);
        const async = left instanceof Promise || right instanceof Promise;
        if (async) {
            return Promise.all([left, right]).then(([left, right]) => {
                return handleIntersectionResults(payload, left, right);
            });
        }
        return handleIntersectionResults(payload, left, right);
    };
});
function mergeValues(a, b) {
    // const aType = parse.t(a);
    // const bType = parse.t(b);
    if (a === b) {
        return { valid: true, data: a };
    }
    if (a instanceof Date && b instanceof Date && +a === +b) {
        return { valid: true, data: a };
    }
    if (isPlainObject(a) && isPlainObject(b)) {
        const bKeys = Object.keys(b);
        const sharedKeys = Object.keys(a).filter((key) => bKeys.indexOf(key) !== -1);
        const newObj = { ...a, ...b };
        if (Object.prototype.hasOwnProperty.call(newObj, "__proto__"))
            delete newObj.__proto__;
        for (const key of sharedKeys) {
            if (key === "__proto__")
                continue;
            const sharedValue = mergeValues(a[key], b[key]);
            if (!sharedValue.valid) {
                return {
                    valid: false,
                    mergeErrorPath: [key, ...sharedValue.mergeErrorPath],
                };
            }
            newObj[key] = sharedValue.data;
        }
        return { valid: true, data: newObj };
    }
    if (Array.isArray(a) && Array.isArray(b)) {
        if (a.length !== b.length) {
            return { valid: false, mergeErrorPath: [] };
        }
        const newArray = [];
        for (let index = 0; index < a.length; index++) {
            const itemA = a[index];
            const itemB = b[index];
            const sharedValue = mergeValues(itemA, itemB);
            if (!sharedValue.valid) {
                return {
                    valid: false,
                    mergeErrorPath: [index, ...sharedValue.mergeErrorPath],
                };
            }
            newArray.push(sharedValue.data);
        }
        return { valid: true, data: newArray };
    }
    return { valid: false, mergeErrorPath: [] };
}
function handleIntersectionResults(result, left, right) {
    // Track which side(s) reject each key. A key rejection is reported only when BOTH sides reject it, so a key owned by one branch survives the other's key schema. strictObject reports these as unrecognized_keys; a record with an open key schema reports one invalid_key per key.
    const unrecKeys = new Map();
    let unrecIssue;
    const keyIssues = new Map();
    const collect = (iss, side) => {
        let keys;
        if (iss.code === "unrecognized_keys" && !iss.path?.length) {
            unrecIssue ?? (unrecIssue = iss);
            keys = iss.keys;
        }
        else if (iss.code === "invalid_key" && iss.origin === "record" && iss.path?.length === 1) {
            const k = String(iss.path[0]);
            if (!keyIssues.has(k))
                keyIssues.set(k, iss);
            keys = [k];
        }
        else {
            return false;
        }
        for (const k of keys) {
            if (!unrecKeys.has(k))
                unrecKeys.set(k, {});
            unrecKeys.get(k)[side] = true;
        }
        return true;
    };
    for (const iss of left.issues) {
        if (!collect(iss, "l"))
            result.issues.push(iss);
    }
    for (const iss of right.issues) {
        if (!collect(iss, "r"))
            result.issues.push(iss);
    }
    // Report only keys rejected by BOTH sides
    const bothKeys = [...unrecKeys].filter(([, f]) => f.l && f.r).map(([k]) => k);
    if (bothKeys.length) {
        const aggregated = unrecIssue ? bothKeys.filter((k) => unrecIssue.keys.includes(k)) : [];
        if (aggregated.length)
            result.issues.push({ ...unrecIssue, keys: aggregated });
        for (const k of bothKeys) {
            if (!aggregated.includes(k) && keyIssues.has(k))
                result.issues.push(keyIssues.get(k));
        }
    }
    const merged = mergeValues(left.value, right.value);
    if (!merged.valid) {
        if (aborted(result))
            return result;
        throw new Error(`Unmergable intersection. Error path: ` + `${JSON.stringify(merged.mergeErrorPath)}`);
    }
    result.value = merged.data;
    return result;
}
const $ZodTuple = /*@__PURE__*/ $constructor("$ZodTuple", (inst, def) => {
    $ZodType.init(inst, def);
    const items = def.items;
    const memo = globalConfig.memoizer;
    memo?.attach(inst);
    inst._zod.parse = (payload, ctx) => {
        const input = payload.value;
        if (!Array.isArray(input)) {
            payload.issues.push({
                input,
                inst,
                expected: "tuple",
                code: "invalid_type",
            });
            return payload;
        }
        payload.value = memo ? memo.alloc(inst, payload, [], ctx) : [];
        const proms = [];
        const optinStart = getTupleOptStart(items, "optin");
        const optoutStart = getTupleOptStart(items, "optout");
        if (!def.rest) {
            if (input.length < optinStart) {
                payload.issues.push({
                    code: "too_small",
                    minimum: optinStart,
                    inclusive: true,
                    input,
                    inst,
                    origin: "array",
                });
                return payload;
            }
            if (input.length > items.length) {
                payload.issues.push({
                    code: "too_big",
                    maximum: items.length,
                    inclusive: true,
                    input,
                    inst,
                    origin: "array",
                });
            }
        }
        // Run every item in parallel, collecting results into an indexed array. The post-processing in `handleTupleResults` walks them in order so it can decide whether an absent optional-output error can truncate the tail or must be reported to preserve required output.
        const itemResults = new Array(items.length);
        // only tracked when there is a rest loop to skip
        const abortEarly = def.rest ? ctx?.abortEarly : undefined;
        let itemAborted = false;
        for (let i = 0; i < items.length; i++) {
            const r = items[i]._zod.run({ value: input[i], issues: [] }, ctx);
            if (r instanceof Promise) {
                proms.push(r.then((rr) => {
                    itemResults[i] = rr;
                }));
            }
            else {
                itemResults[i] = r;
                if (abortEarly && !itemAborted && r.issues.length)
                    itemAborted = aborted(r);
            }
        }
        // sound because rest is non-empty exactly when every fixed index is present, the one case handleTupleResults cannot discard an item's issues
        if (def.rest && !itemAborted) {
            let i = items.length - 1;
            const rest = input.slice(items.length);
            let seen = payload.issues.length;
            for (const el of rest) {
                if (abortEarly && payload.issues.length !== seen) {
                    if (aborted(payload, seen))
                        break;
                    seen = payload.issues.length;
                }
                i++;
                const result = def.rest._zod.run({ value: el, issues: [] }, ctx);
                if (result instanceof Promise) {
                    proms.push(result.then((r) => handleTupleResult(r, payload, i)));
                }
                else {
                    handleTupleResult(result, payload, i);
                }
            }
        }
        if (proms.length) {
            return Promise.all(proms).then(() => handleTupleResults(itemResults, payload, items, input, optoutStart));
        }
        return handleTupleResults(itemResults, payload, items, input, optoutStart);
    };
});
function getTupleOptStart(items, key) {
    for (let i = items.length - 1; i >= 0; i--) {
        // optin is a three-rung ladder so any rung above `undefined` permits an absent slot; optout stays two-valued.
        const omittable = key === "optin" ? items[i]._zod.optin !== undefined : items[i]._zod.optout === "optional";
        if (!omittable)
            return i + 1;
    }
    return 0;
}
function handleTupleResult(result, final, index) {
    if (result.issues.length) {
        final.issues.push(...prefixIssues(index, result.issues));
    }
    final.value[index] = result.value;
}
function handleTupleResults(itemResults, final, items, input, optoutStart) {
    // Walk results in order. Mirror $ZodObject's swallow-on-absent-optional rule, but only after `optoutStart`: the first index where the output tuple tail can be absent.
    for (let i = 0; i < items.length; i++) {
        const r = itemResults[i];
        const isPresent = i < input.length;
        // The array analog of `handlePropertyResult`'s absent-key early return: the middle rung permits absence without supplying anything in its place, so the tail truncates here instead of materializing whatever the item made of `undefined`.
        if (!isPresent && i >= optoutStart && items[i]._zod.optin === "optional") {
            final.value.length = i;
            break;
        }
        if (r.issues.length) {
            if (!isPresent && i >= optoutStart) {
                final.value.length = i;
                break;
            }
            final.issues.push(...prefixIssues(i, r.issues));
        }
        final.value[i] = r.value;
    }
    // Drop trailing slots that produced `undefined` for absent input
    // (the array analog of an absent optional key on an object). The
    // `i >= input.length` floor is critical: an explicit `undefined`
    // *inside* the input must be preserved even when the schema is
    // optional-out (e.g. `z.string().or(z.undefined())` accepting an
    // explicit undefined value).
    for (let i = final.value.length - 1; i >= input.length; i--) {
        if (items[i]._zod.optout === "optional" && final.value[i] === undefined) {
            final.value.length = i;
        }
        else {
            break;
        }
    }
    return final;
}
const $ZodRecord = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodRecord", (inst, def) => {
    $ZodType.init(inst, def);
    const memo = core.globalConfig.memoizer;
    memo?.attach(inst);
    inst._zod.parse = (payload, ctx) => {
        const input = payload.value;
        if (!util.isPlainObject(input)) {
            payload.issues.push({
                expected: "record",
                code: "invalid_type",
                input,
                inst,
            });
            return payload;
        }
        // no guard in either loop below: a record's invalid_key aborts but an enclosing intersection can reconcile it, so a stopped loop hides keys the sibling does not own and the intersection then rejects nothing
        const proms = [];
        const values = def.keyType._zod.values;
        if (values && !def.partial) {
            payload.value = memo ? memo.alloc(inst, payload, {}, ctx) : {};
            const recordKeys = new Set();
            for (const key of values) {
                if (typeof key === "string" || typeof key === "number" || typeof key === "symbol") {
                    recordKeys.add(typeof key === "number" ? key.toString() : key);
                    // A declared __proto__ is stripped but is not an unrecognized key.
                    if (key === "__proto__")
                        continue;
                    const keyResult = def.keyType._zod.run({ value: key, issues: [] }, ctx);
                    if (keyResult instanceof Promise) {
                        throw new Error("Async schemas not supported in object keys currently");
                    }
                    if (keyResult.issues.length) {
                        payload.issues.push({
                            code: "invalid_key",
                            origin: "record",
                            issues: keyResult.issues.map((iss) => util.finalizeIssue(iss, ctx, core.config())),
                            input: key,
                            path: [key],
                            inst,
                        });
                        continue;
                    }
                    const outKey = keyResult.value;
                    if (outKey === "__proto__")
                        continue;
                    const result = def.valueType._zod.run({ value: input[key], issues: [] }, ctx);
                    if (result instanceof Promise) {
                        proms.push(result.then((result) => {
                            if (result.issues.length) {
                                payload.issues.push(...util.prefixIssues(key, result.issues));
                            }
                            payload.value[outKey] = result.value;
                        }));
                    }
                    else {
                        if (result.issues.length) {
                            payload.issues.push(...util.prefixIssues(key, result.issues));
                        }
                        payload.value[outKey] = result.value;
                    }
                }
            }
            let unrecognized;
            for (const key in input) {
                if (!recordKeys.has(key)) {
                    if (def.mode === "loose") {
                        // skip __proto__ so it can't replace the result prototype via the assignment setter on the plain {} we build into
                        if (key === "__proto__")
                            continue;
                        payload.value[key] = input[key];
                    }
                    else {
                        unrecognized = unrecognized ?? [];
                        unrecognized.push(key);
                    }
                }
            }
            if (unrecognized && unrecognized.length > 0) {
                payload.issues.push({
                    code: "unrecognized_keys",
                    input,
                    inst,
                    keys: unrecognized,
                    continue: true,
                });
            }
        }
        else {
            payload.value = memo ? memo.alloc(inst, payload, {}, ctx) : {};
            // An enumerable key schema declares which keys the record owns, so a key outside the set is unrecognized. A non-enumerable one (regex, refine) is a constraint every key must satisfy, so a failing key is invalid. Only the former is reconcilable against the other side of an intersection.
            let unrecognized;
            // Reflect.ownKeys for Symbol-key support; filter non-enumerable to match z.object()
            for (const key of Reflect.ownKeys(input)) {
                if (key === "__proto__")
                    continue;
                if (!Object.prototype.propertyIsEnumerable.call(input, key))
                    continue;
                let keyResult = def.keyType._zod.run({ value: key, issues: [] }, ctx);
                if (keyResult instanceof Promise) {
                    throw new Error("Async schemas not supported in object keys currently");
                }
                // Numeric string fallback: if key is a numeric string and failed, retry with Number(key). This handles z.number(), z.literal([1, 2, 3]), and unions containing numeric literals
                const checkNumericKey = typeof key === "string" && regexes.number.test(key) && keyResult.issues.length;
                if (checkNumericKey) {
                    const retryResult = def.keyType._zod.run({ value: Number(key), issues: [] }, ctx);
                    if (retryResult instanceof Promise) {
                        throw new Error("Async schemas not supported in object keys currently");
                    }
                    if (retryResult.issues.length === 0) {
                        keyResult = retryResult;
                    }
                }
                if (keyResult.issues.length) {
                    if (def.mode === "loose") {
                        // Pass through unchanged
                        payload.value[key] = input[key];
                    }
                    else if (values) {
                        unrecognized = unrecognized ?? [];
                        unrecognized.push(key);
                    }
                    else {
                        // Default "strict" behavior: error on invalid key
                        payload.issues.push({
                            code: "invalid_key",
                            origin: "record",
                            issues: keyResult.issues.map((iss) => util.finalizeIssue(iss, ctx, core.config())),
                            input: key,
                            path: [key],
                            inst,
                        });
                    }
                    continue;
                }
                // the guard above tests the raw input key, but the key schema can normalize an ordinary key into __proto__; re-check the key we actually write under
                const outKey = keyResult.value;
                if (outKey === "__proto__")
                    continue;
                const result = def.valueType._zod.run({ value: input[key], issues: [] }, ctx);
                if (result instanceof Promise) {
                    proms.push(result.then((result) => {
                        if (result.issues.length) {
                            payload.issues.push(...util.prefixIssues(key, result.issues));
                        }
                        payload.value[outKey] = result.value;
                    }));
                }
                else {
                    if (result.issues.length) {
                        payload.issues.push(...util.prefixIssues(key, result.issues));
                    }
                    payload.value[outKey] = result.value;
                }
            }
            if (unrecognized && unrecognized.length > 0) {
                payload.issues.push({
                    code: "unrecognized_keys",
                    input,
                    inst,
                    keys: unrecognized,
                    continue: true,
                });
            }
        }
        if (proms.length) {
            return Promise.all(proms).then(() => payload);
        }
        return payload;
    };
})));
const $ZodMap = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodMap", (inst, def) => {
    $ZodType.init(inst, def);
    const memo = core.globalConfig.memoizer;
    memo?.attach(inst);
    inst._zod.parse = (payload, ctx) => {
        const input = payload.value;
        if (!(input instanceof Map)) {
            payload.issues.push({
                expected: "map",
                code: "invalid_type",
                input,
                inst,
            });
            return payload;
        }
        const proms = [];
        payload.value = memo ? memo.alloc(inst, payload, new Map(), ctx) : new Map();
        const abortEarly = ctx?.abortEarly;
        let seen = payload.issues.length;
        for (const [key, value] of input) {
            if (abortEarly && payload.issues.length !== seen) {
                if (util.aborted(payload, seen))
                    break;
                seen = payload.issues.length;
            }
            const keyResult = def.keyType._zod.run({ value: key, issues: [] }, ctx);
            const valueResult = def.valueType._zod.run({ value: value, issues: [] }, ctx);
            if (keyResult instanceof Promise || valueResult instanceof Promise) {
                proms.push(Promise.all([keyResult, valueResult]).then(([keyResult, valueResult]) => {
                    handleMapResult(keyResult, valueResult, payload, key, input, inst, ctx);
                }));
            }
            else {
                handleMapResult(keyResult, valueResult, payload, key, input, inst, ctx);
            }
        }
        if (proms.length)
            return Promise.all(proms).then(() => payload);
        return payload;
    };
    capSize(inst, mapSize);
})));
function handleMapResult(keyResult, valueResult, final, key, input, inst, ctx) {
    if (keyResult.issues.length) {
        if (util.propertyKeyTypes.has(typeof key)) {
            final.issues.push(...util.prefixIssues(key, keyResult.issues));
        }
        else {
            final.issues.push({
                code: "invalid_key",
                origin: "map",
                input,
                inst,
                issues: keyResult.issues.map((iss) => util.finalizeIssue(iss, ctx, core.config())),
            });
        }
    }
    if (valueResult.issues.length) {
        if (util.propertyKeyTypes.has(typeof key)) {
            final.issues.push(...util.prefixIssues(key, valueResult.issues));
        }
        else {
            final.issues.push({
                origin: "map",
                code: "invalid_element",
                input,
                inst,
                key: key,
                issues: valueResult.issues.map((iss) => util.finalizeIssue(iss, ctx, core.config())),
            });
        }
    }
    final.value.set(keyResult.value, valueResult.value);
}
const $ZodSet = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodSet", (inst, def) => {
    $ZodType.init(inst, def);
    const memo = core.globalConfig.memoizer;
    memo?.attach(inst);
    inst._zod.parse = (payload, ctx) => {
        const input = payload.value;
        if (!(input instanceof Set)) {
            payload.issues.push({
                input,
                inst,
                expected: "set",
                code: "invalid_type",
            });
            return payload;
        }
        const proms = [];
        payload.value = memo ? memo.alloc(inst, payload, new Set(), ctx) : new Set();
        const abortEarly = ctx?.abortEarly;
        let seen = payload.issues.length;
        for (const item of input) {
            if (abortEarly && payload.issues.length !== seen) {
                if (util.aborted(payload, seen))
                    break;
                seen = payload.issues.length;
            }
            const result = def.valueType._zod.run({ value: item, issues: [] }, ctx);
            if (result instanceof Promise) {
                proms.push(result.then((result) => handleSetResult(result, payload)));
            }
            else
                handleSetResult(result, payload);
        }
        if (proms.length)
            return Promise.all(proms).then(() => payload);
        return payload;
    };
    capSize(inst, setSize);
})));
function handleSetResult(result, final) {
    if (result.issues.length) {
        final.issues.push(...result.issues);
    }
    final.value.add(result.value);
}
const $ZodEnum = /*@__PURE__*/ $constructor("$ZodEnum", (inst, def) => {
    $ZodType.init(inst, def);
    const values = getEnumValues(def.entries);
    const valuesSet = new Set(values);
    inst._zod.values = valuesSet;
    defineLazyInternal(inst, "pattern", (zod) => {
        const patternValues = getEnumValues(zod.def.entries).filter((k) => propertyKeyTypes.has(typeof k));
        // unmatchable fallback, RE2-safe: an empty alternation would compile to /^()$/, which matches ""
        return new RegExp(patternValues.length ? `^(${patternValues.map((o) => escapeRegex(o.toString())).join("|")})$` : "^[^\\s\\S]$");
    });
    inst._zod.parse = (payload, _ctx) => {
        const input = payload.value;
        if (valuesSet.has(input)) {
            return payload;
        }
        payload.issues.push({
            code: "invalid_value",
            values,
            input,
            inst,
        });
        return payload;
    };
});
const $ZodLiteral = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodLiteral", (inst, def) => {
    $ZodType.init(inst, def);
    const values = new Set(def.values);
    inst._zod.values = values;
    util.defineLazyInternal(inst, "pattern", (zod) => {
        const vals = zod.def.values;
        // unmatchable fallback, RE2-safe: an empty alternation would compile to /^()$/, which matches ""
        return new RegExp(vals.length
            ? `^(${vals
                .map((o) => typeof o === "string" ? util.escapeRegex(o) : o ? util.escapeRegex(o.toString()) : String(o))
                .join("|")})$`
            : "^[^\\s\\S]$");
    });
    inst._zod.parse = (payload, _ctx) => {
        const input = payload.value;
        if (values.has(input)) {
            return payload;
        }
        payload.issues.push({
            code: "invalid_value",
            values: def.values,
            input,
            inst,
        });
        return payload;
    };
})));
const $ZodFile = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodFile", (inst, def) => {
    $ZodType.init(inst, def);
    inst._zod.parse = (payload, _ctx) => {
        const input = payload.value;
        // @ts-ignore
        if (input instanceof File)
            return payload;
        payload.issues.push({
            expected: "file",
            code: "invalid_type",
            input,
            inst,
        });
        return payload;
    };
})));
const $ZodTransform = /*@__PURE__*/ $constructor("$ZodTransform", (inst, def) => {
    $ZodType.init(inst, def);
    inst._zod.optin = "optional";
    globalConfig.memoizer?.guard(inst);
    inst._zod.parse = (payload, ctx) => {
        if (ctx.direction === "backward") {
            throw new $ZodEncodeError(inst.constructor.name);
        }
        const _out = def.transform(payload.value, payload);
        if (ctx.async) {
            const output = _out instanceof Promise ? _out : Promise.resolve(_out);
            return output.then((output) => {
                payload.value = output;
                return payload;
            });
        }
        if (_out instanceof Promise) {
            throw new $ZodAsyncError();
        }
        payload.value = _out;
        return payload;
    };
});
function handleOptionalResult(payload, result) {
    // A substituting schema that still failed has no usable answer; yield undefined. Its issues are simply dropped: it ran on a payload of its own, so there is no shared array to truncate and nothing of the caller's to lose with it.
    payload.value = result.issues.length ? undefined : result.value;
    return payload;
}
const $ZodOptional = /*@__PURE__*/ $constructor("$ZodOptional", (inst, def) => {
    $ZodType.init(inst, def);
    // .optional() propagates absence rather than substituting for it, so a defaulted inner keeps its rung.
    defineLazyInternal(inst, "optin", (zod) => zod.def.innerType._zod.optin === "defaulted" ? "defaulted" : "optional");
    inst._zod.optout = "optional";
    defineLazyInternal(inst, "values", (zod) => {
        const values = zod.def.innerType._zod.values;
        return values ? new Set([...values, undefined]) : undefined;
    });
    defineLazyInternal(inst, "pattern", (zod) => {
        const pattern = zod.def.innerType._zod.pattern;
        return pattern ? new RegExp(`^(${cleanRegex(pattern.source)})?$`) : undefined;
    });
    inst._zod.parse = (payload, ctx) => {
        if (payload.value === undefined) {
            // Only the top rung substitutes a value for absence; everything else leaves it intact, which is what .optional() means.
            if (def.innerType._zod.optin !== "defaulted")
                return payload;
            // Its own payload, for the same reason $ZodCatch gets one: a pipe forwards an unrecognized key through the caller's issues array, and this must not read that as the substituting schema failing and drop it.
            const result = def.innerType._zod.run({ value: payload.value, issues: [] }, ctx);
            if (result instanceof Promise)
                return result.then((result) => handleOptionalResult(payload, result));
            return handleOptionalResult(payload, result);
        }
        return def.innerType._zod.run(payload, ctx);
    };
});
const $ZodExactOptional = /*@__PURE__*/ $constructor("$ZodExactOptional", (inst, def) => {
    // Call parent init - inherits optin/optout = "optional"
    $ZodOptional.init(inst, def);
    // Override values/pattern to NOT add undefined
    defineLazyInternal(inst, "values", (zod) => zod.def.innerType._zod.values);
    defineLazyInternal(inst, "pattern", (zod) => zod.def.innerType._zod.pattern);
    // Override parse to just delegate (no undefined handling)
    inst._zod.parse = (payload, ctx) => {
        return def.innerType._zod.run(payload, ctx);
    };
});
const $ZodNullable = /*@__PURE__*/ $constructor("$ZodNullable", (inst, def) => {
    $ZodType.init(inst, def);
    defineLazyInternal(inst, "optin", (zod) => zod.def.innerType._zod.optin);
    defineLazyInternal(inst, "optout", (zod) => zod.def.innerType._zod.optout);
    defineLazyInternal(inst, "pattern", (zod) => {
        const pattern = zod.def.innerType._zod.pattern;
        return pattern ? new RegExp(`^(${cleanRegex(pattern.source)}|null)$`) : undefined;
    });
    defineLazyInternal(inst, "values", (zod) => {
        return zod.def.innerType._zod.values ? new Set([...zod.def.innerType._zod.values, null]) : undefined;
    });
    inst._zod.parse = (payload, ctx) => {
        // Forward direction (decode): allow null to pass through
        if (payload.value === null)
            return payload;
        return def.innerType._zod.run(payload, ctx);
    };
});
const $ZodDefault = /*@__PURE__*/ $constructor("$ZodDefault", (inst, def) => {
    $ZodType.init(inst, def);
    // inst._zod.qin = "true";
    inst._zod.optin = "defaulted";
    defineLazyInternal(inst, "values", (zod) => zod.def.innerType._zod.values);
    inst._zod.parse = (payload, ctx) => {
        if (ctx.direction === "backward") {
            return def.innerType._zod.run(payload, ctx);
        }
        // Forward direction (decode): apply defaults for undefined input
        if (payload.value === undefined) {
            payload.value = def.defaultValue;
            /**
             * $ZodDefault returns the default value immediately in forward direction.
             * It doesn't pass the default value into the validator ("prefault"). There's no reason to pass the default value through validation. The validity of the default is enforced by TypeScript statically. Otherwise, it's the responsibility of the user to ensure the default is valid. In the case of pipes with divergent in/out types, you can specify the default on the `in` schema of your ZodPipe to set a "prefault" for the pipe.   */
            return payload;
        }
        // Forward direction: continue with default handling
        const result = def.innerType._zod.run(payload, ctx);
        if (result instanceof Promise) {
            return result.then((result) => handleDefaultResult(result, def));
        }
        return handleDefaultResult(result, def);
    };
});
function handleDefaultResult(payload, def) {
    if (payload.value === undefined) {
        payload.value = def.defaultValue;
    }
    return payload;
}
const $ZodPrefault = /*@__PURE__*/ $constructor("$ZodPrefault", (inst, def) => {
    $ZodType.init(inst, def);
    inst._zod.optin = "defaulted";
    defineLazyInternal(inst, "values", (zod) => zod.def.innerType._zod.values);
    inst._zod.parse = (payload, ctx) => {
        if (ctx.direction === "backward") {
            return def.innerType._zod.run(payload, ctx);
        }
        // Forward direction (decode): apply prefault for undefined input
        if (payload.value === undefined) {
            payload.value = def.defaultValue;
        }
        return def.innerType._zod.run(payload, ctx);
    };
});
const $ZodNonOptional = /*@__PURE__*/ $constructor("$ZodNonOptional", (inst, def) => {
    $ZodType.init(inst, def);
    defineLazyInternal(inst, "values", (zod) => {
        const v = zod.def.innerType._zod.values;
        return v ? new Set([...v].filter((x) => x !== undefined)) : undefined;
    });
    inst._zod.parse = (payload, ctx) => {
        const result = def.innerType._zod.run(payload, ctx);
        if (result instanceof Promise) {
            return result.then((result) => handleNonOptionalResult(result, inst));
        }
        return handleNonOptionalResult(result, inst);
    };
});
function handleNonOptionalResult(payload, inst) {
    if (!payload.issues.length && payload.value === undefined) {
        payload.issues.push({
            code: "invalid_type",
            expected: "nonoptional",
            input: payload.value,
            inst,
        });
    }
    return payload;
}
const $ZodSuccess = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodSuccess", (inst, def) => {
    $ZodType.init(inst, def);
    inst._zod.parse = (payload, ctx) => {
        if (ctx.direction === "backward") {
            throw new core.$ZodEncodeError("ZodSuccess");
        }
        const result = def.innerType._zod.run(payload, ctx);
        if (result instanceof Promise) {
            return result.then((result) => {
                payload.value = result.issues.length === 0;
                return payload;
            });
        }
        payload.value = result.issues.length === 0;
        return payload;
    };
})));
function handleCatchResult(payload, result, def, ctx) {
    if (!result.issues.length) {
        payload.value = result.value;
        // The value carries up, so the flag describing it has to carry with it: a back-edge into a node still being parsed must not be frozen by an enclosing readonly, and its checks belong to the node itself. Guarded so the ordinary case adds no own property.
        if (result.memo)
            payload.memo = true;
        return payload;
    }
    // Spread the inner's own payload, not ours: `value` has to stay the input the catch was handed, and the inner ran on a payload of its own so its issues are already private to this call.
    payload.value = def.catchValue({
        ...result,
        value: payload.value,
        error: {
            issues: result.issues.map((iss) => finalizeIssue(iss, ctx, config())),
        },
        input: payload.value,
    });
    return payload;
}
const $ZodCatch = /*@__PURE__*/ $constructor("$ZodCatch", (inst, def) => {
    $ZodType.init(inst, def);
    defineLazyInternal(inst, "optin", (zod) => zod.def.innerType._zod.optin === "defaulted" ? "defaulted" : "optional");
    defineLazyInternal(inst, "optout", (zod) => zod.def.innerType._zod.optout);
    defineLazyInternal(inst, "values", (zod) => zod.def.innerType._zod.values);
    inst._zod.parse = (payload, ctx) => {
        if (ctx.direction === "backward") {
            return def.innerType._zod.run(payload, ctx);
        }
        // Forward direction (decode): apply catch logic
        const result = def.innerType._zod.run({ value: payload.value, issues: [] }, ctx);
        if (result instanceof Promise) {
            return result.then((result) => handleCatchResult(payload, result, def, ctx));
        }
        return handleCatchResult(payload, result, def, ctx);
    };
});
const $ZodNaN = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodNaN", (inst, def) => {
    $ZodType.init(inst, def);
    inst._zod.parse = (payload, _ctx) => {
        if (typeof payload.value !== "number" || !Number.isNaN(payload.value)) {
            payload.issues.push({
                input: payload.value,
                inst,
                expected: "nan",
                code: "invalid_type",
            });
            return payload;
        }
        return payload;
    };
})));
const $ZodPipe = /*@__PURE__*/ $constructor("$ZodPipe", (inst, def) => {
    $ZodType.init(inst, def);
    defineLazyInternal(inst, "values", (zod) => zod.def.in._zod.values);
    defineLazyInternal(inst, "optin", (zod) => zod.def.in._zod.optin);
    defineLazyInternal(inst, "optout", (zod) => zod.def.out._zod.optout);
    defineLazyInternal(inst, "propValues", (zod) => zod.def.in._zod.propValues);
    inst._zod.parse = (payload, ctx) => {
        if (ctx.direction === "backward") {
            const right = def.out._zod.run(payload, ctx);
            if (right instanceof Promise) {
                return right.then((right) => handlePipeResult(right, def.in, ctx));
            }
            return handlePipeResult(right, def.in, ctx);
        }
        const left = def.in._zod.run(payload, ctx);
        if (left instanceof Promise) {
            return left.then((left) => handlePipeResult(left, def.out, ctx));
        }
        return handlePipeResult(left, def.out, ctx);
    };
});
function handlePipeResult(left, next, ctx) {
    // Any issue stops the pipe, so a failing refinement never feeds its transform. An unrecognized key is the exception: it describes the input's extra properties, not the value being piped, and an enclosing intersection may yet reconcile it.
    if (left.issues.some((iss) => iss.code !== "unrecognized_keys")) {
        // prevent further checks
        left.aborted = true;
        return left;
    }
    return next._zod.run({ value: left.value, issues: left.issues }, ctx);
}
const $ZodCodec = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodCodec", (inst, def) => {
    $ZodType.init(inst, def);
    util.defineLazyInternal(inst, "values", (zod) => zod.def.in._zod.values);
    util.defineLazyInternal(inst, "optin", (zod) => zod.def.in._zod.optin);
    util.defineLazyInternal(inst, "optout", (zod) => zod.def.out._zod.optout);
    util.defineLazyInternal(inst, "propValues", (zod) => zod.def.in._zod.propValues);
    inst._zod.parse = (payload, ctx) => {
        const direction = ctx.direction || "forward";
        if (direction === "forward") {
            const left = def.in._zod.run(payload, ctx);
            if (left instanceof Promise) {
                return left.then((left) => handleCodecAResult(left, def, ctx));
            }
            return handleCodecAResult(left, def, ctx);
        }
        else {
            const right = def.out._zod.run(payload, ctx);
            if (right instanceof Promise) {
                return right.then((right) => handleCodecAResult(right, def, ctx));
            }
            return handleCodecAResult(right, def, ctx);
        }
    };
})));
function handleCodecAResult(result, def, ctx) {
    if (result.issues.length) {
        // prevent further checks
        result.aborted = true;
        return result;
    }
    const direction = ctx.direction || "forward";
    if (direction === "forward") {
        const transformed = def.transform(result.value, result);
        if (transformed instanceof Promise) {
            return transformed.then((value) => handleCodecTxResult(result, value, def.out, ctx));
        }
        return handleCodecTxResult(result, transformed, def.out, ctx);
    }
    else {
        const transformed = def.reverseTransform(result.value, result);
        if (transformed instanceof Promise) {
            return transformed.then((value) => handleCodecTxResult(result, value, def.in, ctx));
        }
        return handleCodecTxResult(result, transformed, def.in, ctx);
    }
}
function handleCodecTxResult(left, value, nextSchema, ctx) {
    // Check if transform added any issues
    if (left.issues.length) {
        left.aborted = true;
        return left;
    }
    return nextSchema._zod.run({ value, issues: left.issues }, ctx);
}
const $ZodPreprocess = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodPreprocess", (inst, def) => {
    $ZodPipe.init(inst, def);
})));
const $ZodReadonly = /*@__PURE__*/ $constructor("$ZodReadonly", (inst, def) => {
    $ZodType.init(inst, def);
    defineLazyInternal(inst, "propValues", (zod) => zod.def.innerType._zod.propValues);
    defineLazyInternal(inst, "values", (zod) => zod.def.innerType._zod.values);
    defineLazyInternal(inst, "optin", (zod) => zod.def.innerType?._zod?.optin);
    defineLazyInternal(inst, "optout", (zod) => zod.def.innerType?._zod?.optout);
    inst._zod.parse = (payload, ctx) => {
        if (ctx.direction === "backward") {
            return def.innerType._zod.run(payload, ctx);
        }
        const result = def.innerType._zod.run(payload, ctx);
        if (result instanceof Promise) {
            return result.then(handleReadonlyResult);
        }
        return handleReadonlyResult(result);
    };
});
function handleReadonlyResult(payload) {
    // A repeat visit hands back a node that is still being built; freezing it here would make the rest of its keys fail to assign.
    if (!payload.memo)
        payload.value = Object.freeze(payload.value);
    return payload;
}
// a leaf's pattern source with its own checks folded in: the last pattern-carrying check wins, else length bounds narrow the catch-all, else an integer format narrows the number form. the fold lives here instead of on `_zod.pattern` so a bundle without template literals never pays for it
function leafPattern(schema) {
    const def = schema._zod.def;
    let pattern = def.pattern;
    let isInt = !!def.format?.includes("int");
    let minimum;
    let maximum;
    for (const ch of def.checks ?? []) {
        const d = ch._zod.def;
        if (d.pattern)
            pattern = d.pattern;
        isInt || (isInt = !!d.format?.includes("int"));
        const lo = d.minimum ?? d.length;
        const hi = d.maximum ?? d.length;
        if (lo !== undefined && (minimum === undefined || lo > minimum))
            minimum = lo;
        if (hi !== undefined && (maximum === undefined || hi < maximum))
            maximum = hi;
    }
    if (pattern)
        return pattern.source;
    // an empty range matches nothing at runtime, and `{8,5}` is not a legal quantifier
    if (minimum !== undefined && maximum !== undefined && minimum > maximum)
        return "(?!)";
    if (minimum !== undefined || maximum !== undefined)
        return regexes.string({ minimum, maximum }).source;
    const own = schema._zod.pattern;
    return (isInt && own === regexes.number ? regexes.integer : own)?.source;
}
// a part's pattern source. a wrapper's pattern embeds its inner pattern's source verbatim, so the folded form is substituted in place without knowing the wrapper's own composition; a union's options are joined the way the union builds its own pattern
function partPattern(schema) {
    const def = schema._zod.def;
    const own = schema._zod.pattern?.source;
    // lazy resolves its inner on the internals, not the def
    const inner = def.innerType ?? schema._zod.innerType;
    if (inner) {
        const before = inner._zod.pattern?.source;
        const after = partPattern(inner);
        if (own && before && after && after !== before) {
            return own.replace(util.cleanRegex(before), () => util.cleanRegex(after));
        }
        return own;
    }
    if (def.options) {
        const sources = def.options.map(partPattern);
        if (sources.every(Boolean))
            return `^(${sources.map((s) => util.cleanRegex(s)).join("|")})$`;
    }
    return leafPattern(schema);
}
const $ZodTemplateLiteral = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodTemplateLiteral", (inst, def) => {
    $ZodType.init(inst, def);
    const regexParts = [];
    for (const part of def.parts) {
        if (typeof part === "object" && part !== null) {
            // is Zod schema
            const source = partPattern(part);
            if (!source) {
                throw new Error(`Invalid template literal part, no pattern found: ${[...part._zod.traits].shift()}`);
            }
            regexParts.push(util.cleanRegex(source));
        }
        else if (part === null || util.primitiveTypes.has(typeof part)) {
            regexParts.push(util.escapeRegex(`${part}`));
        }
        else {
            throw new Error(`Invalid template literal part: ${part}`);
        }
    }
    inst._zod.pattern = new RegExp(`^${regexParts.join("")}$`);
    inst._zod.parse = (payload, _ctx) => {
        if (typeof payload.value !== "string") {
            payload.issues.push({
                input: payload.value,
                inst,
                expected: "string",
                code: "invalid_type",
            });
            return payload;
        }
        inst._zod.pattern.lastIndex = 0;
        if (!inst._zod.pattern.test(payload.value)) {
            payload.issues.push({
                input: payload.value,
                inst,
                code: "invalid_format",
                format: def.format ?? "template_literal",
                pattern: inst._zod.pattern.source,
            });
            return payload;
        }
        return payload;
    };
})));
const $ZodFunction = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodFunction", (inst, def) => {
    $ZodType.init(inst, def);
    // Defined, not assigned: the classic prototype exposes `_def` as a getter with no setter.
    Object.defineProperty(inst, "_def", { value: def });
    inst._zod.def = def;
    inst.implement = (func) => {
        if (typeof func !== "function") {
            throw new Error("implement() must be called with a function");
        }
        // Defined inline so the closure stays anonymous: binding it to a `const` first names it, which costs 256 bytes per implemented function.
        return Object.defineProperty(function (...args) {
            const parsedArgs = inst._def.input ? parse(inst._def.input, args) : args;
            const result = Reflect.apply(func, this, parsedArgs);
            if (inst._def.output) {
                return parse(inst._def.output, result);
            }
            return result;
        }, "_zod", { value: inst._zod, enumerable: false });
    };
    inst.implementAsync = (func) => {
        if (typeof func !== "function") {
            throw new Error("implementAsync() must be called with a function");
        }
        return Object.defineProperty(async function (...args) {
            const parsedArgs = inst._def.input ? await parseAsync(inst._def.input, args) : args;
            const result = await Reflect.apply(func, this, parsedArgs);
            if (inst._def.output) {
                return await parseAsync(inst._def.output, result);
            }
            return result;
        }, "_zod", { value: inst._zod, enumerable: false });
    };
    inst._zod.parse = (payload, _ctx) => {
        if (typeof payload.value !== "function") {
            payload.issues.push({
                code: "invalid_type",
                expected: "function",
                input: payload.value,
                inst,
            });
            return payload;
        }
        // Check if output is a promise type to determine if we should use async implementation
        const hasPromiseOutput = inst._def.output && inst._def.output._zod.def.type === "promise";
        if (hasPromiseOutput) {
            payload.value = inst.implementAsync(payload.value);
        }
        else {
            payload.value = inst.implement(payload.value);
        }
        return payload;
    };
    inst.input = (...args) => {
        const F = inst.constructor;
        if (Array.isArray(args[0])) {
            return new F({
                type: "function",
                input: new $ZodTuple({
                    type: "tuple",
                    items: args[0],
                    rest: args[1],
                }),
                output: inst._def.output,
            });
        }
        return new F({
            type: "function",
            input: args[0],
            output: inst._def.output,
        });
    };
    inst.output = (output) => {
        const F = inst.constructor;
        return new F({
            type: "function",
            input: inst._def.input,
            output,
        });
    };
    return inst;
})));
const $ZodPromise = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodPromise", (inst, def) => {
    $ZodType.init(inst, def);
    inst._zod.parse = (payload, ctx) => {
        return Promise.resolve(payload.value).then((inner) => def.innerType._zod.run({ value: inner, issues: [] }, ctx));
    };
})));
const $ZodLazy = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodLazy", (inst, def) => {
    $ZodType.init(inst, def);
    // Cache the resolved inner type on the shared `def` so all clones of this lazy (e.g. via `.describe()`/`.meta()`) share the same inner instance, preserving identity for cycle detection on recursive schemas.
    util.defineLazy(inst._zod, "innerType", () => {
        const d = def;
        if (!d._cachedInner)
            d._cachedInner = def.getter();
        return d._cachedInner;
    });
    util.defineLazyInternal(inst, "pattern", (zod) => zod.innerType?._zod?.pattern);
    util.defineLazyInternal(inst, "propValues", (zod) => zod.innerType?._zod?.propValues);
    util.defineLazyInternal(inst, "optin", (zod) => zod.innerType?._zod?.optin ?? undefined);
    util.defineLazyInternal(inst, "optout", (zod) => zod.innerType?._zod?.optout ?? undefined);
    inst._zod.parse = (payload, ctx) => {
        const inner = inst._zod.innerType;
        return inner._zod.run(payload, ctx);
    };
})));
const $ZodCustom = /*@__PURE__*/ $constructor("$ZodCustom", (inst, def) => {
    $ZodCheck.init(inst, def);
    $ZodType.init(inst, def);
    inst._zod.parse = (payload, _) => {
        return payload;
    };
    inst._zod.check = (payload) => {
        const input = payload.value;
        const r = def.fn(input);
        if (r instanceof Promise) {
            return r.then((r) => handleRefineResult(r, payload, input, inst));
        }
        handleRefineResult(r, payload, input, inst);
        return;
    };
});
function handleRefineResult(result, payload, input, inst) {
    if (!result) {
        const _iss = {
            code: "custom",
            input,
            inst, // incorporates params.error into issue reporting
            path: [...(inst._zod.def.path ?? [])], // incorporates params.error into issue reporting
            continue: !inst._zod.def.abort,
            // params: inst._zod.def.params,
        };
        if (inst._zod.def.params)
            _iss.params = inst._zod.def.params;
        payload.issues.push(util_issue(_iss));
    }
}

;// CONCATENATED MODULE: ./node_modules/zod/v4/core/registries.js
var registries_a;
const $output = /*@__PURE__*/ (/* unused pure expression or super */ null && (Symbol("ZodOutput")));
const $input = /*@__PURE__*/ (/* unused pure expression or super */ null && (Symbol("ZodInput")));
class $ZodRegistry {
    constructor() {
        this._map = new WeakMap();
        this._idmap = new Map();
    }
    add(schema, ..._meta) {
        const meta = _meta[0];
        this._map.set(schema, meta);
        if (meta && typeof meta === "object" && "id" in meta) {
            this._idmap.set(meta.id, schema);
        }
        return this;
    }
    clear() {
        this._map = new WeakMap();
        this._idmap = new Map();
        return this;
    }
    remove(schema) {
        const meta = this._map.get(schema);
        if (meta && typeof meta === "object" && "id" in meta) {
            this._idmap.delete(meta.id);
        }
        this._map.delete(schema);
        return this;
    }
    get(schema) {
        // return this._map.get(schema) as any;
        // inherit metadata
        const p = schema._zod.parent;
        if (p) {
            const pm = { ...(this.get(p) ?? {}) };
            delete pm.id; // do not inherit id
            const f = { ...pm, ...this._map.get(schema) };
            return Object.keys(f).length ? f : undefined;
        }
        return this._map.get(schema);
    }
    has(schema) {
        return this._map.has(schema);
    }
}
// registries
function registry() {
    return new $ZodRegistry();
}
(registries_a = globalThis).__zod_globalRegistry ?? (registries_a.__zod_globalRegistry = registry());
const globalRegistry = globalThis.__zod_globalRegistry;

;// CONCATENATED MODULE: ./node_modules/zod/v4/core/api.js




function snapshotChecks(def) {
    if (def.checks)
        def.checks = [...def.checks];
    return def;
}
// @__NO_SIDE_EFFECTS__
function _string(Class, params) {
    return new Class(snapshotChecks({ type: "string", ...normalizeParams(params) }));
}
// @__NO_SIDE_EFFECTS__
function _coercedString(Class, params) {
    return new Class(snapshotChecks({ type: "string", coerce: true, ...util.normalizeParams(params) }));
}
// @__NO_SIDE_EFFECTS__
function _email(Class, params) {
    return new Class({
        type: "string",
        format: "email",
        check: "string_format",
        abort: false,
        ...normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _guid(Class, params) {
    return new Class({
        type: "string",
        format: "guid",
        check: "string_format",
        abort: false,
        ...normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _uuid(Class, params) {
    return new Class({
        type: "string",
        format: "uuid",
        check: "string_format",
        abort: false,
        ...normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _uuidv4(Class, params) {
    return new Class({
        type: "string",
        format: "uuid",
        check: "string_format",
        abort: false,
        version: "v4",
        ...normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _uuidv6(Class, params) {
    return new Class({
        type: "string",
        format: "uuid",
        check: "string_format",
        abort: false,
        version: "v6",
        ...normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _uuidv7(Class, params) {
    return new Class({
        type: "string",
        format: "uuid",
        check: "string_format",
        abort: false,
        version: "v7",
        ...normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _url(Class, params) {
    return new Class({
        type: "string",
        format: "url",
        check: "string_format",
        abort: false,
        ...normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function api_emoji(Class, params) {
    return new Class({
        type: "string",
        format: "emoji",
        check: "string_format",
        abort: false,
        ...normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _nanoid(Class, params) {
    return new Class({
        type: "string",
        format: "nanoid",
        check: "string_format",
        abort: false,
        ...normalizeParams(params),
    });
}
/**
 * @deprecated CUID v1 is deprecated by its authors due to information leakage
 * (timestamps embedded in the id). Use {@link _cuid2} instead.
 * See https://github.com/paralleldrive/cuid.
 */
// @__NO_SIDE_EFFECTS__
function _cuid(Class, params) {
    return new Class({
        type: "string",
        format: "cuid",
        check: "string_format",
        abort: false,
        ...normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _cuid2(Class, params) {
    return new Class({
        type: "string",
        format: "cuid2",
        check: "string_format",
        abort: false,
        ...normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _ulid(Class, params) {
    return new Class({
        type: "string",
        format: "ulid",
        check: "string_format",
        abort: false,
        ...normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _xid(Class, params) {
    return new Class({
        type: "string",
        format: "xid",
        check: "string_format",
        abort: false,
        ...normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _ksuid(Class, params) {
    return new Class({
        type: "string",
        format: "ksuid",
        check: "string_format",
        abort: false,
        ...normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _ipv4(Class, params) {
    return new Class({
        type: "string",
        format: "ipv4",
        check: "string_format",
        abort: false,
        ...normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _ipv6(Class, params) {
    return new Class({
        type: "string",
        format: "ipv6",
        check: "string_format",
        abort: false,
        ...normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _mac(Class, params) {
    return new Class({
        type: "string",
        format: "mac",
        check: "string_format",
        abort: false,
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _cidrv4(Class, params) {
    return new Class({
        type: "string",
        format: "cidrv4",
        check: "string_format",
        abort: false,
        ...normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _cidrv6(Class, params) {
    return new Class({
        type: "string",
        format: "cidrv6",
        check: "string_format",
        abort: false,
        ...normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _base64(Class, params) {
    return new Class({
        type: "string",
        format: "base64",
        check: "string_format",
        abort: false,
        ...normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _base64url(Class, params) {
    return new Class({
        type: "string",
        format: "base64url",
        check: "string_format",
        abort: false,
        ...normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _e164(Class, params) {
    return new Class({
        type: "string",
        format: "e164",
        check: "string_format",
        abort: false,
        ...normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _creditCard(Class, params) {
    return new Class({
        type: "string",
        format: "credit_card",
        check: "string_format",
        abort: false,
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _iban(Class, params) {
    return new Class({
        type: "string",
        format: "iban",
        check: "string_format",
        abort: false,
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _jwt(Class, params) {
    return new Class({
        type: "string",
        format: "jwt",
        check: "string_format",
        abort: false,
        ...normalizeParams(params),
    });
}
const TimePrecision = {
    Any: null,
    Minute: -1,
    Second: 0,
    Millisecond: 3,
    Microsecond: 6,
};
// @__NO_SIDE_EFFECTS__
function _isoDateTime(Class, params) {
    return new Class({
        type: "string",
        format: "datetime",
        check: "string_format",
        offset: false,
        local: false,
        precision: null,
        ...normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _isoDate(Class, params) {
    return new Class({
        type: "string",
        format: "date",
        check: "string_format",
        ...normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _isoTime(Class, params) {
    return new Class({
        type: "string",
        format: "time",
        check: "string_format",
        precision: null,
        ...normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _isoDuration(Class, params) {
    return new Class({
        type: "string",
        format: "duration",
        check: "string_format",
        ...normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _number(Class, params) {
    return new Class(snapshotChecks({ type: "number", checks: [], ...util.normalizeParams(params) }));
}
// @__NO_SIDE_EFFECTS__
function _coercedNumber(Class, params) {
    return new Class(snapshotChecks({ type: "number", coerce: true, checks: [], ...util.normalizeParams(params) }));
}
// @__NO_SIDE_EFFECTS__
function _int(Class, params) {
    return new Class({
        type: "number",
        check: "number_format",
        abort: false,
        format: "safeint",
        ...normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _float32(Class, params) {
    return new Class({
        type: "number",
        check: "number_format",
        abort: false,
        format: "float32",
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _float64(Class, params) {
    return new Class({
        type: "number",
        check: "number_format",
        abort: false,
        format: "float64",
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _int32(Class, params) {
    return new Class({
        type: "number",
        check: "number_format",
        abort: false,
        format: "int32",
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _uint32(Class, params) {
    return new Class({
        type: "number",
        check: "number_format",
        abort: false,
        format: "uint32",
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _boolean(Class, params) {
    return new Class({
        type: "boolean",
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _coercedBoolean(Class, params) {
    return new Class({
        type: "boolean",
        coerce: true,
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _bigint(Class, params) {
    return new Class({
        type: "bigint",
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _coercedBigint(Class, params) {
    return new Class({
        type: "bigint",
        coerce: true,
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _int64(Class, params) {
    return new Class({
        type: "bigint",
        check: "bigint_format",
        abort: false,
        format: "int64",
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _uint64(Class, params) {
    return new Class({
        type: "bigint",
        check: "bigint_format",
        abort: false,
        format: "uint64",
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _symbol(Class, params) {
    return new Class({
        type: "symbol",
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function api_undefined(Class, params) {
    return new Class({
        type: "undefined",
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function api_null(Class, params) {
    return new Class({
        type: "null",
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _any(Class) {
    return new Class({
        type: "any",
    });
}
// @__NO_SIDE_EFFECTS__
function _unknown(Class) {
    return new Class({
        type: "unknown",
    });
}
// @__NO_SIDE_EFFECTS__
function _never(Class, params) {
    return new Class({
        type: "never",
        ...normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _void(Class, params) {
    return new Class({
        type: "void",
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _date(Class, params) {
    return new Class({
        type: "date",
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _coercedDate(Class, params) {
    return new Class({
        type: "date",
        coerce: true,
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _nan(Class, params) {
    return new Class({
        type: "nan",
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _lt(value, params) {
    return new $ZodCheckLessThan({
        check: "less_than",
        ...normalizeParams(params),
        value,
        inclusive: false,
    });
}
// @__NO_SIDE_EFFECTS__
function _lte(value, params) {
    return new $ZodCheckLessThan({
        check: "less_than",
        ...normalizeParams(params),
        value,
        inclusive: true,
    });
}

// @__NO_SIDE_EFFECTS__
function _gt(value, params) {
    return new $ZodCheckGreaterThan({
        check: "greater_than",
        ...normalizeParams(params),
        value,
        inclusive: false,
    });
}
// @__NO_SIDE_EFFECTS__
function _gte(value, params) {
    return new $ZodCheckGreaterThan({
        check: "greater_than",
        ...normalizeParams(params),
        value,
        inclusive: true,
    });
}

// @__NO_SIDE_EFFECTS__
function _positive(params) {
    return _gt(0, params);
}
// negative
// @__NO_SIDE_EFFECTS__
function _negative(params) {
    return _lt(0, params);
}
// nonpositive
// @__NO_SIDE_EFFECTS__
function _nonpositive(params) {
    return _lte(0, params);
}
// nonnegative
// @__NO_SIDE_EFFECTS__
function _nonnegative(params) {
    return _gte(0, params);
}
// @__NO_SIDE_EFFECTS__
function _multipleOf(value, params) {
    return new $ZodCheckMultipleOf({
        check: "multiple_of",
        ...normalizeParams(params),
        value,
    });
}
// @__NO_SIDE_EFFECTS__
function _maxSize(maximum, params) {
    return new checks.$ZodCheckMaxSize({
        check: "max_size",
        ...util.normalizeParams(params),
        maximum,
    });
}
// @__NO_SIDE_EFFECTS__
function _minSize(minimum, params) {
    return new checks.$ZodCheckMinSize({
        check: "min_size",
        ...util.normalizeParams(params),
        minimum,
    });
}
// @__NO_SIDE_EFFECTS__
function _size(size, params) {
    return new checks.$ZodCheckSizeEquals({
        check: "size_equals",
        ...util.normalizeParams(params),
        size,
    });
}
// @__NO_SIDE_EFFECTS__
function _maxLength(maximum, params) {
    const ch = new $ZodCheckMaxLength({
        check: "max_length",
        ...normalizeParams(params),
        maximum,
    });
    return ch;
}
// @__NO_SIDE_EFFECTS__
function _minLength(minimum, params) {
    return new $ZodCheckMinLength({
        check: "min_length",
        ...normalizeParams(params),
        minimum,
    });
}
// @__NO_SIDE_EFFECTS__
function _length(length, params) {
    return new $ZodCheckLengthEquals({
        check: "length_equals",
        ...normalizeParams(params),
        length,
    });
}
// @__NO_SIDE_EFFECTS__
function _regex(pattern, params) {
    return new $ZodCheckRegex({
        check: "string_format",
        format: "regex",
        ...normalizeParams(params),
        pattern,
    });
}
// @__NO_SIDE_EFFECTS__
function _lowercase(params) {
    return new $ZodCheckLowerCase({
        check: "string_format",
        format: "lowercase",
        ...normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _uppercase(params) {
    return new $ZodCheckUpperCase({
        check: "string_format",
        format: "uppercase",
        ...normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _includes(includes, params) {
    return new $ZodCheckIncludes({
        check: "string_format",
        format: "includes",
        ...normalizeParams(params),
        includes,
    });
}
// @__NO_SIDE_EFFECTS__
function _startsWith(prefix, params) {
    return new $ZodCheckStartsWith({
        check: "string_format",
        format: "starts_with",
        ...normalizeParams(params),
        prefix,
    });
}
// @__NO_SIDE_EFFECTS__
function _endsWith(suffix, params) {
    return new $ZodCheckEndsWith({
        check: "string_format",
        format: "ends_with",
        ...normalizeParams(params),
        suffix,
    });
}
// @__NO_SIDE_EFFECTS__
function _property(property, schema, params) {
    return new checks.$ZodCheckProperty({
        check: "property",
        property,
        schema,
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _properties(shape, params) {
    return new $ZodCheckProperties({
        check: "properties",
        shape,
        ...normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _mime(types, params) {
    return new checks.$ZodCheckMimeType({
        check: "mime_type",
        mime: types,
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _overwrite(tx) {
    return new $ZodCheckOverwrite({
        check: "overwrite",
        tx,
    });
}
// normalize
// @__NO_SIDE_EFFECTS__
function _normalize(form) {
    return _overwrite((input) => input.normalize(form));
}
// trim
// @__NO_SIDE_EFFECTS__
function _trim() {
    return _overwrite((input) => input.trim());
}
// toLowerCase
// @__NO_SIDE_EFFECTS__
function _toLowerCase() {
    return _overwrite((input) => input.toLowerCase());
}
// toUpperCase
// @__NO_SIDE_EFFECTS__
function _toUpperCase() {
    return _overwrite((input) => input.toUpperCase());
}
// slugify
// @__NO_SIDE_EFFECTS__
function _slugify() {
    return _overwrite((input) => slugify(input));
}
// @__NO_SIDE_EFFECTS__
function _array(Class, element, params) {
    return new Class({
        type: "array",
        element,
        // get element() {
        //   return element;
        // },
        ...normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _union(Class, options, params) {
    return new Class({
        type: "union",
        options,
        ...util.normalizeParams(params),
    });
}
function _xor(Class, options, params) {
    return new Class({
        type: "union",
        options,
        inclusive: false,
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _discriminatedUnion(Class, discriminator, options, params) {
    return new Class({
        type: "union",
        options: options,
        discriminator,
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _intersection(Class, left, right) {
    return new Class({
        type: "intersection",
        left,
        right,
    });
}
// export function _tuple(
//   Class: util.SchemaClass<schemas.$ZodTuple>,
//   items: [],
//   params?: string | $ZodTupleParams
// ): schemas.$ZodTuple<[], null>;
// @__NO_SIDE_EFFECTS__
function _tuple(Class, items, _paramsOrRest, _params) {
    const hasRest = _paramsOrRest instanceof schemas.$ZodType;
    const params = hasRest ? _params : _paramsOrRest;
    const rest = hasRest ? _paramsOrRest : null;
    return new Class({
        type: "tuple",
        items,
        rest,
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _record(Class, keyType, valueType, params) {
    return new Class({
        type: "record",
        keyType,
        valueType,
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _map(Class, keyType, valueType, params) {
    return new Class({
        type: "map",
        keyType,
        valueType,
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _set(Class, valueType, params) {
    return new Class({
        type: "set",
        valueType,
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _enum(Class, values, params) {
    const entries = Array.isArray(values) ? Object.fromEntries(values.map((v) => [v, v])) : values;
    // if (Array.isArray(values)) {
    //   for (const value of values) {
    //     entries[value] = value;
    //   }
    // } else {
    //   Object.assign(entries, values);
    // }
    // const entries: util.EnumLike = {};
    // for (const val of values) {
    //   entries[val] = val;
    // }
    return new Class({
        type: "enum",
        entries,
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
/** @deprecated This API has been merged into `z.enum()`. Use `z.enum()` instead.
 *
 * ```ts
 * enum Colors { red, green, blue }
 * z.enum(Colors);
 * ```
 */
function _nativeEnum(Class, entries, params) {
    return new Class({
        type: "enum",
        entries,
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _literal(Class, value, params) {
    return new Class({
        type: "literal",
        values: Array.isArray(value) ? value : [value],
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _file(Class, params) {
    return new Class({
        type: "file",
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _transform(Class, fn) {
    return new Class({
        type: "transform",
        transform: fn,
    });
}
// @__NO_SIDE_EFFECTS__
function _optional(Class, innerType) {
    return new Class({
        type: "optional",
        innerType,
    });
}
// @__NO_SIDE_EFFECTS__
function _nullable(Class, innerType) {
    return new Class({
        type: "nullable",
        innerType,
    });
}
// @__NO_SIDE_EFFECTS__
function _default(Class, innerType, defaultValue) {
    return new Class({
        type: "default",
        innerType,
        get defaultValue() {
            return typeof defaultValue === "function" ? defaultValue() : util.shallowClone(defaultValue);
        },
    });
}
// @__NO_SIDE_EFFECTS__
function _nonoptional(Class, innerType, params) {
    return new Class({
        type: "nonoptional",
        innerType,
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _success(Class, innerType) {
    return new Class({
        type: "success",
        innerType,
    });
}
// @__NO_SIDE_EFFECTS__
function _catch(Class, innerType, catchValue) {
    return new Class({
        type: "catch",
        innerType,
        catchValue: (typeof catchValue === "function" ? catchValue : util.constantCatch(catchValue)),
    });
}
// @__NO_SIDE_EFFECTS__
function _pipe(Class, in_, out) {
    return new Class({
        type: "pipe",
        in: in_,
        out,
    });
}
// @__NO_SIDE_EFFECTS__
function _readonly(Class, innerType) {
    return new Class({
        type: "readonly",
        innerType,
    });
}
// @__NO_SIDE_EFFECTS__
function _templateLiteral(Class, parts, params) {
    return new Class({
        type: "template_literal",
        parts,
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _lazy(Class, getter) {
    return new Class({
        type: "lazy",
        getter,
    });
}
// @__NO_SIDE_EFFECTS__
function _promise(Class, innerType) {
    return new Class({
        type: "promise",
        innerType,
    });
}
// @__NO_SIDE_EFFECTS__
function _custom(Class, fn, _params) {
    const norm = util.normalizeParams(_params);
    norm.abort ?? (norm.abort = true); // default to abort:false
    const schema = new Class({
        type: "custom",
        check: "custom",
        fn: fn,
        ...norm,
    });
    return schema;
}
// same as _custom but defaults to abort:false
// @__NO_SIDE_EFFECTS__
function _refine(Class, fn, _params) {
    const schema = new Class({
        type: "custom",
        check: "custom",
        fn: fn,
        ...normalizeParams(_params),
    });
    return schema;
}
// @__NO_SIDE_EFFECTS__
function _superRefine(fn, params) {
    const ch = _check((payload) => {
        payload.addIssue = (issue) => {
            if (typeof issue === "string") {
                payload.issues.push(util_issue(issue, payload.value, ch._zod.def));
            }
            else {
                // for Zod 3 backwards compatibility
                const _issue = issue;
                if (_issue.fatal)
                    _issue.continue = false;
                _issue.code ?? (_issue.code = "custom");
                if (!("input" in _issue))
                    _issue.input = payload.value;
                _issue.inst ?? (_issue.inst = ch);
                _issue.continue ?? (_issue.continue = !ch._zod.def.abort); // abort is always undefined, so this is always true...
                payload.issues.push(util_issue(_issue));
            }
        };
        return fn(payload.value, payload);
    }, params);
    return ch;
}
// @__NO_SIDE_EFFECTS__
function _check(fn, params) {
    const ch = new $ZodCheck({
        check: "custom",
        ...normalizeParams(params),
    });
    ch._zod.check = fn;
    return ch;
}
// @__NO_SIDE_EFFECTS__
function describe(description) {
    const ch = new $ZodCheck({ check: "describe" });
    ch._zod.onattach = [
        (inst) => {
            const existing = globalRegistry.get(inst) ?? {};
            globalRegistry.add(inst, { ...existing, description });
        },
    ];
    ch._zod.check = () => { }; // no-op check
    return ch;
}
// @__NO_SIDE_EFFECTS__
function meta(metadata) {
    const ch = new $ZodCheck({ check: "meta" });
    ch._zod.onattach = [
        (inst) => {
            const existing = globalRegistry.get(inst) ?? {};
            globalRegistry.add(inst, { ...existing, ...metadata });
        },
    ];
    ch._zod.check = () => { }; // no-op check
    return ch;
}
// @__NO_SIDE_EFFECTS__
function _stringbool(Classes, _params) {
    const params = util.normalizeParams(_params);
    let truthyArray = params.truthy ?? ["true", "1", "yes", "on", "y", "enabled"];
    let falsyArray = params.falsy ?? ["false", "0", "no", "off", "n", "disabled"];
    if (params.case !== "sensitive") {
        truthyArray = truthyArray.map((v) => (typeof v === "string" ? v.toLowerCase() : v));
        falsyArray = falsyArray.map((v) => (typeof v === "string" ? v.toLowerCase() : v));
    }
    const truthySet = new Set(truthyArray);
    const falsySet = new Set(falsyArray);
    const _Codec = Classes.Codec ?? schemas.$ZodCodec;
    const _Boolean = Classes.Boolean ?? schemas.$ZodBoolean;
    const _String = Classes.String ?? schemas.$ZodString;
    const stringSchema = new _String({ type: "string", error: params.error });
    const booleanSchema = new _Boolean({ type: "boolean", error: params.error });
    const codec = new _Codec({
        type: "pipe",
        in: stringSchema,
        out: booleanSchema,
        transform: ((input, payload) => {
            let data = input;
            if (params.case !== "sensitive")
                data = data.toLowerCase();
            if (truthySet.has(data)) {
                return true;
            }
            else if (falsySet.has(data)) {
                return false;
            }
            else {
                payload.issues.push({
                    code: "invalid_value",
                    expected: "stringbool",
                    values: [...truthySet, ...falsySet],
                    input: payload.value,
                    inst: codec,
                    continue: false,
                });
                return {};
            }
        }),
        reverseTransform: ((input, _payload) => {
            if (input === true) {
                return truthyArray[0] || "true";
            }
            else {
                return falsyArray[0] || "false";
            }
        }),
        error: params.error,
    });
    codec._zod.bag.truthy = truthyArray;
    codec._zod.bag.falsy = falsyArray;
    codec._zod.bag.case = params.case ?? "insensitive";
    return codec;
}
// @__NO_SIDE_EFFECTS__
function _stringFormat(Class, format, fnOrRegex, _params = {}) {
    const params = util.normalizeParams(_params);
    const def = {
        check: "string_format",
        type: "string",
        format,
        fn: typeof fnOrRegex === "function" ? fnOrRegex : (val) => fnOrRegex.test(val),
        ...params,
    };
    if (fnOrRegex instanceof RegExp) {
        def.pattern = fnOrRegex;
    }
    const inst = new Class(def);
    return inst;
}

;// CONCATENATED MODULE: ./node_modules/zod/v4/core/to-json-schema.js


function assignProps(target, ...sources) {
    for (const source of sources) {
        for (const key of Reflect.ownKeys(source)) {
            if (Object.prototype.propertyIsEnumerable.call(source, key)) {
                util_assignProp(target, key, source[key]);
            }
        }
    }
    return target;
}
// function initializeContext<T extends schemas.$ZodType>(inputs: JSONSchemaGeneratorParams<T>): ToJSONSchemaContext<T> {
//   return {
//     processor: inputs.processor,
//     metadataRegistry: inputs.metadata ?? globalRegistry,
//     target: inputs.target ?? "draft-2020-12",
//     unrepresentable: inputs.unrepresentable ?? "throw",
//   };
// }
function to_json_schema_initializeContext(params) {
    // Normalize target: convert old non-hyphenated versions to hyphenated versions
    let target = params?.target ?? "draft-2020-12";
    if (target === "draft-4")
        target = "draft-04";
    if (target === "draft-7")
        target = "draft-07";
    return {
        processors: params.processors ?? {},
        metadataRegistry: params?.metadata ?? globalRegistry,
        target,
        unrepresentable: params?.unrepresentable ?? "throw",
        override: params?.override ?? (() => { }),
        io: params?.io ?? "output",
        counter: 0,
        seen: new Map(),
        sharedDefsExtractedFor: undefined,
        sharedEmitDoneFor: undefined,
        cycles: params?.cycles ?? "ref",
        reused: params?.reused ?? "inline",
        intersections: [],
        deferred: [],
        external: params?.external ?? undefined,
    };
}
/**
 * Applies the `unrepresentable` setting at a site that has no JSON Schema equivalent. Throws
 * `message` unless the setting (or the handler's return value) says otherwise. Returns `true` if a
 * custom JSON Schema was written into `json`, in which case the caller must not write its own.
 */
function handleUnrepresentable(schema, ctx, json, params, message) {
    const result = typeof ctx.unrepresentable === "function"
        ? ctx.unrepresentable({ zodSchema: schema, path: params.path, message })
        : ctx.unrepresentable;
    if (result === "any")
        return false;
    if (result === undefined || result === "throw")
        throw new Error(message);
    Object.assign(json, result);
    return true;
}
// never rename this back to `process`: bundler polyfills inject a top-level `const process` that a lexical declaration of the same name collides with (#6397)
function to_json_schema_processSchema(schema, ctx, _params = { path: [], schemaPath: [] }) {
    var _a;
    const def = schema._zod.def;
    // check for schema in seens
    const seen = ctx.seen.get(schema);
    if (seen) {
        seen.count++;
        // check if cycle
        const isCycle = _params.schemaPath.includes(schema);
        if (isCycle) {
            seen.cycle = _params.path;
        }
        return seen.schema;
    }
    // initialize
    const result = { schema: {}, count: 1, cycle: undefined, path: _params.path };
    ctx.seen.set(schema, result);
    ctx.sharedDefsExtractedFor = undefined;
    ctx.sharedEmitDoneFor = undefined;
    // custom method overrides default behavior
    const overrideSchema = schema._zod.toJSONSchema?.();
    if (overrideSchema) {
        result.schema = overrideSchema;
    }
    else {
        const params = {
            ..._params,
            schemaPath: [..._params.schemaPath, schema],
            path: _params.path,
        };
        if (schema._zod.processJSONSchema) {
            schema._zod.processJSONSchema(ctx, result.schema, params);
        }
        else {
            const _json = result.schema;
            const processor = ctx.processors[def.type];
            if (!processor) {
                throw new Error(`[toJSONSchema]: Non-representable type encountered: ${def.type}`);
            }
            processor(schema, ctx, _json, params);
        }
        const parent = schema._zod.parent;
        if (parent) {
            // Also set ref if processor didn't (for inheritance)
            if (!result.ref)
                result.ref = parent;
            to_json_schema_processSchema(parent, ctx, params);
            ctx.seen.get(parent).isParent = true;
        }
    }
    // metadata
    const meta = ctx.metadataRegistry.get(schema);
    if (meta)
        assignProps(result.schema, meta);
    if (ctx.io === "input" && isTransforming(schema)) {
        // examples/defaults only apply to output type of pipe
        delete result.schema.examples;
        delete result.schema.default;
    }
    // set prefault as default
    if (ctx.io === "input" && "_prefault" in result.schema)
        (_a = result.schema).default ?? (_a.default = result.schema._prefault);
    delete result.schema._prefault;
    // pulling fresh from ctx.seen in case it was overwritten
    const _result = ctx.seen.get(schema);
    return _result.schema;
}
/** @deprecated Renamed to `processSchema`. An export alias declares no binding, so it is safe to keep. */

// Escape a reference token for use in a JSON Pointer fragment (RFC 6901): `~` becomes `~0` and `/` becomes `~1`. The `~` replacement must run first.
function encodeJSONPointerSegment(segment) {
    return segment.replace(/~/g, "~0").replace(/\//g, "~1");
}
function to_json_schema_extractDefs(ctx, schema
// params: EmitParams
) {
    // iterate over seen map;
    const root = ctx.seen.get(schema);
    if (!root)
        throw new Error("Unprocessed schema. This is a bug in Zod.");
    // With `external` set, every registered schema resolves through the external branch of `makeURI`, so the root branch below produces the same ref the external branch would — this pass is identical whichever schema it is called with, and only needs to run once.
    if (ctx.external && ctx.sharedDefsExtractedFor === ctx.external)
        return;
    // Track ids to detect duplicates across different schemas
    const idToSchema = new Map();
    for (const entry of ctx.seen.entries()) {
        const id = ctx.metadataRegistry.get(entry[0])?.id;
        if (id) {
            const existing = idToSchema.get(id);
            if (existing && existing !== entry[0]) {
                throw new Error(`Duplicate schema id "${id}" detected during JSON Schema conversion. Two different schemas cannot share the same id when converted together.`);
            }
            idToSchema.set(id, entry[0]);
        }
    }
    // returns a ref to the schema defId will be empty if the ref points to an external schema (or #)
    const makeURI = (entry) => {
        // comparing the seen objects because sometimes multiple schemas map to the same seen object. e.g. lazy
        // external is configured
        const defsSegment = ctx.target === "draft-2020-12" ? "$defs" : "definitions";
        if (ctx.external) {
            const externalId = ctx.external.registry.get(entry[0])?.id; // ?? "__shared";// `__schema${ctx.counter++}`;
            // check if schema is in the external registry
            const uriGenerator = ctx.external.uri ?? ((id) => id);
            if (externalId) {
                return { ref: uriGenerator(externalId) };
            }
            // otherwise, add to __shared
            const id = entry[1].defId ?? entry[1].schema.id ?? `schema${ctx.counter++}`;
            entry[1].defId = id; // set defId so it will be reused if needed
            return { defId: id, ref: `${uriGenerator("__shared")}#/${defsSegment}/${encodeJSONPointerSegment(id)}` };
        }
        const uriPrefix = `#`;
        const defUriPrefix = `${uriPrefix}/${defsSegment}/`;
        // an id-less root has nowhere to be extracted to, so it stays inline and self-references as `#`
        if (entry[1] === root && !entry[1].schema.id) {
            return { ref: uriPrefix };
        }
        // self-contained schema
        const defId = entry[1].schema.id ?? `__schema${ctx.counter++}`;
        return { defId, ref: defUriPrefix + encodeJSONPointerSegment(defId) };
    };
    // stored cached version in `def` property remove all properties, set $ref
    const extractToDef = (entry) => {
        // if the schema is already a reference, do not extract it
        if (entry[1].schema.$ref) {
            return;
        }
        const seen = entry[1];
        const { ref, defId } = makeURI(entry);
        seen.def = { ...seen.schema };
        // defId won't be set if the schema is a reference to an external schema or if the schema is the root schema
        if (defId)
            seen.defId = defId;
        // wipe away all properties except $ref
        const schema = seen.schema;
        for (const key in schema) {
            delete schema[key];
        }
        schema.$ref = ref;
    };
    // throw on cycles
    // break cycles
    if (ctx.cycles === "throw") {
        for (const entry of ctx.seen.entries()) {
            const seen = entry[1];
            if (seen.cycle) {
                throw new Error("Cycle detected: " +
                    `#/${seen.cycle?.join("/")}/<root>` +
                    '\n\nSet the `cycles` parameter to `"ref"` to resolve cyclical schemas with defs.');
            }
        }
    }
    // extract schemas into $defs
    for (const entry of ctx.seen.entries()) {
        const seen = entry[1];
        // convert root schema to # $ref
        if (schema === entry[0]) {
            extractToDef(entry); // this has special handling for the root schema
            continue;
        }
        // extract schemas that are in the external registry
        if (ctx.external) {
            const ext = ctx.external.registry.get(entry[0])?.id;
            if (schema !== entry[0] && ext) {
                extractToDef(entry);
                continue;
            }
        }
        // extract schemas with `id` meta
        const id = ctx.metadataRegistry.get(entry[0])?.id;
        if (id) {
            extractToDef(entry);
            continue;
        }
        // break cycles
        if (seen.cycle) {
            // any
            extractToDef(entry);
            continue;
        }
        // extract reused schemas
        if (seen.count > 1) {
            if (ctx.reused === "ref") {
                extractToDef(entry);
            }
        }
    }
    if (ctx.external)
        ctx.sharedDefsExtractedFor = ctx.external;
}
/** Rewrites `anyOf: [{type: "a"}, {type: "b"}]` to `type: ["a", "b"]`, which every JSON Schema draft treats as equivalent and most consumers render far better for the nullable case. Only branches that are a bare type assertion qualify — anything carrying a constraint, `$ref`, `const` or metadata is left alone. Runs after `flattenRef`, so a branch an override decorated or `$defs` extraction turned into a `$ref` is no longer bare and correctly stays in `anyOf`. `oneOf` is excluded: `integer` and `number` overlap, so "exactly one" and "at least one" are not the same there. OpenAPI 3.0 is excluded: its `type` must be a single string. */
function compactTypeUnion(schema) {
    const options = schema.anyOf;
    if (!Array.isArray(options) || options.length === 0 || schema.type !== undefined)
        return;
    const types = [];
    for (const option of options) {
        if (!option || typeof option !== "object")
            return;
        // A branch that is itself a compactible union folds into this one — nested `anyOf` and a flat `type` array say the same thing. Compacting it first also makes the result independent of the order this pass walks the seen map in.
        compactTypeUnion(option);
        const keys = Object.keys(option);
        if (keys.length !== 1 || keys[0] !== "type")
            return;
        const type = option.type;
        for (const member of Array.isArray(type) ? type : [type]) {
            if (typeof member !== "string")
                return;
            if (!types.includes(member))
                types.push(member);
        }
    }
    delete schema.anyOf;
    // A `type` array must be non-empty and unique (metaschema); a single member is spelled as a bare string.
    schema.type = types.length === 1 ? types[0] : types;
}
/** Keywords `foldIntersection` knows how to combine. Anything else — `$ref`, `patternProperties`,
 * an annotation like `description` — makes a member unfoldable, so a constraint this does not
 * understand leaves the `allOf` alone instead of being silently dropped or misattributed. */
const FOLDABLE_KEYS = new Set(["type", "properties", "required", "additionalProperties"]);
const UNION_KEYS = ["oneOf", "anyOf"];
/** A member's constraint on a key it does not declare itself. A `catchall` states one; `false`, an absent `additionalProperties`, and the empty schema a loose object emits state nothing. */
function undeclaredConstraint(member) {
    const extra = member.additionalProperties;
    if (extra === undefined || extra === false || typeof extra !== "object" || extra === null)
        return null;
    return Object.keys(extra).length ? extra : null;
}
/** Combines object members into the single object they describe together, or returns `null` if any of them carries a keyword outside {@link FOLDABLE_KEYS}. */
function foldObjects(members) {
    const objects = [];
    for (const member of members) {
        // A boolean subschema is legal JSON Schema and carries no keywords to fold.
        if (typeof member !== "object" || member.type !== "object")
            return null;
        for (const key in member) {
            if (!FOLDABLE_KEYS.has(key))
                return null;
        }
        objects.push(member);
    }
    const properties = {};
    const required = new Set();
    for (const object of objects) {
        for (const key in object.properties) {
            // `in` would report a `__proto__` key as already present via the prototype chain and skip it.
            if (Object.prototype.hasOwnProperty.call(properties, key))
                continue;
            // Every member constrains this key: the ones that declare it say how, and a `catchall` member constrains it too even though it does not name it. The key has to satisfy all of them, which is the same intersection one level down.
            const parts = [];
            for (const other of objects) {
                const part = other.properties?.[key] ?? undeclaredConstraint(other);
                if (part === null || part === undefined)
                    continue;
                if (!parts.some((seen) => JSON.stringify(seen) === JSON.stringify(part)))
                    parts.push(part);
            }
            const merged = parts.length === 1
                ? parts[0]
                : (foldObjects(parts) ?? { allOf: parts });
            util_assignProp(properties, key, merged);
        }
        for (const key of object.required ?? [])
            required.add(key);
    }
    const folded = { type: "object", properties };
    if (required.size)
        folded.required = [...required];
    // A key no member declares is rejected only when every member rejects it, so the fold is closed only when every member is. Otherwise it carries whatever the `catchall` members demand of such a key.
    if (objects.every((object) => object.additionalProperties === false)) {
        folded.additionalProperties = false;
    }
    else {
        const constraints = [];
        for (const object of objects) {
            const constraint = undeclaredConstraint(object);
            if (constraint && !constraints.some((seen) => JSON.stringify(seen) === JSON.stringify(constraint)))
                constraints.push(constraint);
        }
        if (constraints.length === 1)
            folded.additionalProperties = constraints[0];
        else if (constraints.length > 1)
            folded.additionalProperties = { allOf: constraints };
    }
    return folded;
}
/** `additionalProperties` in an `allOf` member sees only that member's own `properties`, so two
 * closed object members reject each other's keys and the schema validates nothing. Zod's parser
 * pools the key sets instead — `handleIntersectionResults` reports a key as unrecognized only when
 * *every* side rejects it — so the emitted schema has to pool them too, and folding the members
 * into one object is the encoding that says so on every target.
 *
 * This runs from `finalize`, after `extractDefs`, which is what keeps it clear of the `$ref`
 * machinery: a member extracted into `$defs` is already a `$ref` by now and declines to fold, so it
 * keeps its reference and its own closedness rather than being inlined as a stale copy. */
function foldIntersection(json) {
    const allOf = json.allOf;
    if (!Array.isArray(allOf) || allOf.length < 2)
        return;
    // An `override` runs before this pass and may have written object keywords onto the intersection itself. Those are deliberate, so decline rather than overwrite them.
    for (const key of FOLDABLE_KEYS)
        if (key in json)
            return;
    // An intersection distributes over a union: `A & (X | Y)` is `(A & X) | (A & Y)`. Only the first union is distributed over; a second one stays among the members every branch folds against, where it fails the object check and declines the whole intersection rather than multiplying out.
    const unions = allOf.filter((m) => UNION_KEYS.some((k) => Array.isArray(m[k])));
    let folded = null;
    if (!unions.length) {
        folded = foldObjects(allOf);
    }
    else {
        const union = unions[0];
        const keyword = UNION_KEYS.find((k) => Array.isArray(union[k]));
        if (Object.keys(union).length !== 1)
            return;
        const rest = allOf.filter((m) => m !== union);
        const branches = union[keyword].map((branch) => foldObjects([...rest, branch]));
        if (branches.some((b) => !b))
            return;
        folded = { [keyword]: branches };
    }
    if (!folded)
        return;
    delete json.allOf;
    assignProps(json, folded);
}
function to_json_schema_finalize(ctx, schema) {
    const root = ctx.seen.get(schema);
    if (!root)
        throw new Error("Unprocessed schema. This is a bug in Zod.");
    // flatten refs - inherit properties from parent schemas
    const flattenRef = (zodSchema) => {
        const seen = ctx.seen.get(zodSchema);
        // already processed
        if (seen.ref === null)
            return;
        const schema = seen.def ?? seen.schema;
        const _cached = { ...schema };
        const ref = seen.ref;
        seen.ref = null; // prevent infinite recursion
        if (ref) {
            flattenRef(ref);
            const refSeen = ctx.seen.get(ref);
            const refSchema = refSeen.schema;
            // merge referenced schema into current
            if (refSchema.$ref && (ctx.target === "draft-07" || ctx.target === "draft-04" || ctx.target === "openapi-3.0")) {
                // older drafts can't combine $ref with other properties
                schema.allOf = schema.allOf ?? [];
                schema.allOf.push(refSchema);
            }
            else {
                assignProps(schema, refSchema);
            }
            // restore child's own properties (child wins)
            assignProps(schema, _cached);
            const isParentRef = zodSchema._zod.parent === ref;
            // For parent chain, child is a refinement - remove parent-only properties
            if (isParentRef) {
                for (const key in schema) {
                    if (key === "$ref" || key === "allOf")
                        continue;
                    if (!(key in _cached)) {
                        delete schema[key];
                    }
                }
            }
            // When ref was extracted to $defs, remove properties that match the definition
            if (refSchema.$ref && refSeen.def) {
                for (const key in schema) {
                    if (key === "$ref" || key === "allOf")
                        continue;
                    if (key in refSeen.def && JSON.stringify(schema[key]) === JSON.stringify(refSeen.def[key])) {
                        delete schema[key];
                    }
                }
            }
        }
        // If parent was extracted (has $ref), propagate $ref to this schema. This handles cases like: readonly().meta({id}).describe() where processor sets ref to innerType but parent should be referenced
        const parent = zodSchema._zod.parent;
        if (parent && parent !== ref) {
            // Ensure parent is processed first so its def has inherited properties
            flattenRef(parent);
            const parentSeen = ctx.seen.get(parent);
            if (parentSeen?.schema.$ref) {
                schema.$ref = parentSeen.schema.$ref;
                // De-duplicate with parent's definition
                if (parentSeen.def) {
                    for (const key in schema) {
                        if (key === "$ref" || key === "allOf")
                            continue;
                        if (key in parentSeen.def && JSON.stringify(schema[key]) === JSON.stringify(parentSeen.def[key])) {
                            delete schema[key];
                        }
                    }
                }
            }
        }
        // execute overrides
        ctx.override({
            zodSchema: zodSchema,
            jsonSchema: schema,
            path: seen.path ?? [],
        });
    };
    // Flattening walks the whole map and clears each `ref` as it goes, so a second call over the same map is a no-op scan. Skip it outright once it has run for a registry conversion.
    if (!ctx.external || ctx.sharedEmitDoneFor !== ctx.external) {
        for (const entry of [...ctx.seen.entries()].reverse()) {
            flattenRef(entry[0]);
        }
        if (ctx.target !== "openapi-3.0") {
            for (const entry of ctx.seen.entries()) {
                compactTypeUnion(entry[1].def ?? entry[1].schema);
            }
        }
        for (const rewrite of ctx.deferred)
            rewrite();
        // After flattening, every member that was extracted is a `$ref`, so the fold sees the final shape. A schema that inherits an intersection — through `z.lazy`, or any `ref` chain — holds the same `allOf` array, so fold by array identity to catch every copy.
        if (ctx.intersections.length) {
            const carriers = new Map();
            for (const seen of ctx.seen.values()) {
                for (const json of [seen.schema, seen.def]) {
                    const allOf = json?.allOf;
                    if (!Array.isArray(allOf))
                        continue;
                    const existing = carriers.get(allOf);
                    if (existing)
                        existing.push(json);
                    else
                        carriers.set(allOf, [json]);
                }
            }
            for (const allOf of ctx.intersections) {
                for (const json of carriers.get(allOf) ?? [])
                    foldIntersection(json);
            }
        }
    }
    const result = {};
    if (ctx.target === "draft-2020-12") {
        result.$schema = "https://json-schema.org/draft/2020-12/schema";
    }
    else if (ctx.target === "draft-07") {
        result.$schema = "http://json-schema.org/draft-07/schema#";
    }
    else if (ctx.target === "draft-04") {
        result.$schema = "http://json-schema.org/draft-04/schema#";
    }
    else if (ctx.target === "openapi-3.0") {
        // OpenAPI 3.0 schema objects should not include a $schema property
    }
    else {
        // Arbitrary string values are allowed but won't have a $schema property set
    }
    if (ctx.external?.uri) {
        const id = ctx.external.registry.get(schema)?.id;
        if (!id)
            throw new Error("Schema is missing an `id` property");
        result.$id = ctx.external.uri(id);
    }
    // when the root was extracted into $defs, `root.schema` is the `$ref` wrapper and `root.def` is the body that now lives under $defs
    assignProps(result, root.defId ? root.schema : (root.def ?? root.schema));
    // The `id` in `.meta()` is a Zod-specific registration tag used to extract schemas into $defs — it is not user-facing JSON Schema metadata. Strip it from the output body where it would otherwise leak. The id is preserved implicitly via the $defs key (and via $ref paths).
    const rootMetaId = ctx.metadataRegistry.get(schema)?.id;
    if (rootMetaId !== undefined && result.id === rootMetaId)
        delete result.id;
    // build defs object. With `external`, `defs` is the shared object every schema writes into, so the same entries are reassigned on every call. Without it, `defs` is fresh per call and must be rebuilt.
    const defs = ctx.external?.defs ?? {};
    if (!ctx.external || ctx.sharedEmitDoneFor !== ctx.external) {
        for (const entry of ctx.seen.entries()) {
            const seen = entry[1];
            if (seen.def && seen.defId) {
                if (seen.def.id === seen.defId)
                    delete seen.def.id;
                util_assignProp(defs, seen.defId, seen.def);
            }
        }
    }
    if (ctx.external)
        ctx.sharedEmitDoneFor = ctx.external;
    // set definitions in result
    if (ctx.external) {
    }
    else {
        if (Object.keys(defs).length > 0) {
            if (ctx.target === "draft-2020-12") {
                result.$defs = defs;
            }
            else {
                result.definitions = defs;
            }
        }
    }
    try {
        // this "finalizes" this schema and ensures all cycles are removed each call to finalize() is functionally independent though the seen map is shared
        const finalized = JSON.parse(JSON.stringify(result));
        Object.defineProperty(finalized, "~standard", {
            value: {
                ...schema["~standard"],
                jsonSchema: {
                    input: createStandardJSONSchemaMethod(schema, "input", ctx.processors),
                    output: createStandardJSONSchemaMethod(schema, "output", ctx.processors),
                },
            },
            enumerable: false,
            writable: false,
        });
        return finalized;
    }
    catch (_err) {
        throw new Error("Error converting schema to JSON.");
    }
}
function isTransforming(_schema, _ctx) {
    const ctx = _ctx ?? { seen: new Set() };
    if (ctx.seen.has(_schema))
        return false;
    ctx.seen.add(_schema);
    const def = _schema._zod.def;
    if (def.type === "transform")
        return true;
    if (def.type === "array")
        return isTransforming(def.element, ctx);
    if (def.type === "set")
        return isTransforming(def.valueType, ctx);
    if (def.type === "lazy")
        return isTransforming(def.getter(), ctx);
    if (def.type === "promise" ||
        def.type === "optional" ||
        def.type === "nonoptional" ||
        def.type === "nullable" ||
        def.type === "readonly" ||
        def.type === "default" ||
        def.type === "prefault" ||
        def.type === "catch") {
        return isTransforming(def.innerType, ctx);
    }
    if (def.type === "intersection") {
        return isTransforming(def.left, ctx) || isTransforming(def.right, ctx);
    }
    if (def.type === "record" || def.type === "map") {
        return isTransforming(def.keyType, ctx) || isTransforming(def.valueType, ctx);
    }
    if (def.type === "pipe") {
        if (_schema._zod.traits.has("$ZodCodec"))
            return true;
        return isTransforming(def.in, ctx) || isTransforming(def.out, ctx);
    }
    if (def.type === "object") {
        for (const key in def.shape) {
            if (isTransforming(def.shape[key], ctx))
                return true;
        }
        return false;
    }
    if (def.type === "union") {
        for (const option of def.options) {
            if (isTransforming(option, ctx))
                return true;
        }
        return false;
    }
    if (def.type === "tuple") {
        for (const item of def.items) {
            if (isTransforming(item, ctx))
                return true;
        }
        if (def.rest && isTransforming(def.rest, ctx))
            return true;
        return false;
    }
    return false;
}
/**
 * Creates a toJSONSchema method for a schema instance.
 * This encapsulates the logic of initializing context, processing, extracting defs, and finalizing.
 */
const createToJSONSchemaMethod = (schema, processors = {}) => (params) => {
    const ctx = to_json_schema_initializeContext({ ...params, processors });
    to_json_schema_processSchema(schema, ctx);
    to_json_schema_extractDefs(ctx, schema);
    return to_json_schema_finalize(ctx, schema);
};
const createStandardJSONSchemaMethod = (schema, io, processors = {}) => (params) => {
    const { libraryOptions, target } = params ?? {};
    const ctx = to_json_schema_initializeContext({ ...(libraryOptions ?? {}), target, io, processors });
    to_json_schema_processSchema(schema, ctx);
    to_json_schema_extractDefs(ctx, schema);
    return to_json_schema_finalize(ctx, schema);
};

;// CONCATENATED MODULE: ./node_modules/zod/v4/core/json-schema-processors.js




const narrowMin = (agg, key, value) => {
    if (agg[key] === undefined || value > agg[key])
        agg[key] = value;
};
const narrowMax = (agg, key, value) => {
    if (agg[key] === undefined || value < agg[key])
        agg[key] = value;
};
const narrowBoth = (agg, value) => {
    narrowMin(agg, "minimum", value);
    narrowMax(agg, "maximum", value);
};
const addDivisor = (agg, value) => {
    agg.multipleOf ?? (agg.multipleOf = []);
    if (!agg.multipleOf.includes(value))
        agg.multipleOf.push(value);
};
const addPattern = (agg, pattern) => {
    agg.patterns ?? (agg.patterns = new Set());
    agg.patterns.add(pattern);
};
const intersectMime = (agg, mime) => {
    agg.mime = agg.mime ? agg.mime.filter((m) => mime.includes(m)) : [...mime];
};
// last-wins, matching the bag's historical write order; the flag keeps an integer format from being lost to a later float one
const setFormat = (agg, format) => {
    agg.format = format;
    if (format.includes("int"))
        agg.isInt = true;
};
const minContributor = (agg, def) => narrowMin(agg, "minimum", def.minimum);
const maxContributor = (agg, def) => narrowMax(agg, "maximum", def.maximum);
const formatContributor = (ranges) => (agg, def) => {
    setFormat(agg, def.format);
    const [minimum, maximum] = ranges[def.format];
    narrowMin(agg, "minimum", minimum);
    narrowMax(agg, "maximum", maximum);
};
const contributors = {
    greater_than: (agg, def) => narrowMin(agg, def.inclusive ? "minimum" : "exclusiveMinimum", def.value),
    less_than: (agg, def) => narrowMax(agg, def.inclusive ? "maximum" : "exclusiveMaximum", def.value),
    multiple_of: (agg, def) => addDivisor(agg, def.value),
    number_format: formatContributor(NUMBER_FORMAT_RANGES),
    bigint_format: formatContributor(BIGINT_FORMAT_RANGES),
    min_length: minContributor,
    max_length: maxContributor,
    length_equals: (agg, def) => narrowBoth(agg, def.length),
    min_size: minContributor,
    max_size: maxContributor,
    size_equals: (agg, def) => narrowBoth(agg, def.size),
    string_format: (agg, def) => {
        setFormat(agg, def.format);
        if (def.pattern)
            addPattern(agg, def.pattern);
        if (def.format === "base64" || def.format === "base64url")
            agg.contentEncoding = def.format;
        if (def.local || def.precision === -1)
            agg.laxFormat = true;
    },
    mime_type: (agg, def) => intersectMime(agg, def.mime),
};
function aggregateChecks(schema) {
    const agg = {};
    const def = schema._zod.def;
    // a format schema is its own first check, same rule as $ZodType init
    const list = schema._zod.traits.has("$ZodCheck")
        ? [schema, ...(def.checks ?? [])]
        : (def.checks ?? []);
    for (const ch of list)
        contributors[ch._zod.def.check]?.(agg, ch._zod.def);
    // reconcile with the bag so third-party onattach contributions still land; first-party residue is never tighter than the fold, so merging it back is idempotent for one and additive for the other
    const bag = schema._zod.bag;
    if (bag.minimum !== undefined)
        narrowMin(agg, "minimum", bag.minimum);
    if (bag.exclusiveMinimum !== undefined)
        narrowMin(agg, "exclusiveMinimum", bag.exclusiveMinimum);
    if (bag.maximum !== undefined)
        narrowMax(agg, "maximum", bag.maximum);
    if (bag.exclusiveMaximum !== undefined)
        narrowMax(agg, "exclusiveMaximum", bag.exclusiveMaximum);
    if (bag.multipleOf !== undefined)
        addDivisor(agg, bag.multipleOf);
    if (bag.format !== undefined) {
        agg.format ?? (agg.format = bag.format);
        if (bag.format.includes("int"))
            agg.isInt = true;
    }
    if (bag.mime)
        intersectMime(agg, bag.mime);
    for (const pattern of bag.patterns ?? [])
        addPattern(agg, pattern);
    return agg;
}
const formatMap = {
    guid: "uuid",
    url: "uri",
    datetime: "date-time",
    json_string: "json-string",
    regex: "", // do not set
};
// ==================== SIMPLE TYPE PROCESSORS ====================
// the runtime patterns are lax so parse paths never overflow the regex stack; the emitted schema swaps in the exact block forms, which zod itself never executes
const exactPatterns = new Map([
    [base64Charset, base64],
    [base64urlCharset, base64url],
]);
const exactPattern = (p) => exactPatterns.get(p) ?? p;
const stringProcessor = (schema, ctx, _json, _params) => {
    const json = _json;
    json.type = "string";
    const { minimum, maximum, format, patterns, contentEncoding, laxFormat } = aggregateChecks(schema);
    if (typeof minimum === "number")
        json.minLength = minimum;
    if (typeof maximum === "number")
        json.maxLength = maximum;
    // custom pattern overrides format
    if (format) {
        json.format = formatMap[format] ?? format;
        if (json.format === "")
            delete json.format; // empty format is not valid
        // `z.iso.time()` is never full-time, and `laxFormat` carries the datetime shapes that also accept what their keyword forbids
        if (format === "time" || laxFormat) {
            delete json.format;
        }
    }
    if (contentEncoding)
        json.contentEncoding = contentEncoding;
    if (patterns && patterns.size > 0) {
        const patternList = [...patterns].map(exactPattern);
        if (patternList.length === 1)
            json.pattern = patternList[0].source;
        else if (patternList.length > 1) {
            json.allOf = [
                ...patternList.map((regex) => ({
                    ...(ctx.target === "draft-07" || ctx.target === "draft-04" || ctx.target === "openapi-3.0"
                        ? { type: "string" }
                        : {}),
                    pattern: regex.source,
                })),
            ];
        }
    }
};
const numberProcessor = (schema, ctx, _json, params) => {
    const json = _json;
    const { minimum, maximum, multipleOf, exclusiveMaximum, exclusiveMinimum, isInt } = aggregateChecks(schema);
    json.type = isInt ? "integer" : "number";
    // when both minimum and exclusiveMinimum exist, pick the more restrictive one
    const exMin = typeof exclusiveMinimum === "number" && exclusiveMinimum >= (minimum ?? Number.NEGATIVE_INFINITY);
    const exMax = typeof exclusiveMaximum === "number" && exclusiveMaximum <= (maximum ?? Number.POSITIVE_INFINITY);
    const legacy = ctx.target === "draft-04" || ctx.target === "openapi-3.0";
    if (exMin) {
        if (legacy) {
            json.minimum = exclusiveMinimum;
            json.exclusiveMinimum = true;
        }
        else {
            json.exclusiveMinimum = exclusiveMinimum;
        }
    }
    else if (typeof minimum === "number") {
        json.minimum = minimum;
    }
    if (exMax) {
        if (legacy) {
            json.maximum = exclusiveMaximum;
            json.exclusiveMaximum = true;
        }
        else {
            json.exclusiveMaximum = exclusiveMaximum;
        }
    }
    else if (typeof maximum === "number") {
        json.maximum = maximum;
    }
    if (multipleOf) {
        // JSON Schema requires a divisor strictly greater than zero, and a non-finite one does not survive JSON at all. A negative divisor accepts exactly what its absolute value accepts, so it still maps; zero, NaN and Infinity have no keyword form.
        const divisors = new Set();
        for (const divisor of multipleOf) {
            if (Number.isFinite(divisor) && divisor !== 0)
                divisors.add(Math.abs(divisor));
            else
                handleUnrepresentable(schema, ctx, json, params, `A multipleOf divisor of ${divisor} cannot be represented in JSON Schema`);
        }
        // chained divisors are a conjunction the keyword cannot carry alone, so extras ride an allOf, same as stacked patterns
        const [first, ...rest] = divisors;
        if (first !== undefined)
            json.multipleOf = first;
        if (rest.length)
            json.allOf = [...(json.allOf ?? []), ...rest.map((m) => ({ multipleOf: m }))];
    }
};
const booleanProcessor = (_schema, _ctx, json, _params) => {
    json.type = "boolean";
};
const bigintProcessor = (schema, ctx, json, params) => {
    handleUnrepresentable(schema, ctx, json, params, "BigInt cannot be represented in JSON Schema");
};
const symbolProcessor = (schema, ctx, json, params) => {
    handleUnrepresentable(schema, ctx, json, params, "Symbols cannot be represented in JSON Schema");
};
const nullProcessor = (_schema, ctx, json, _params) => {
    if (ctx.target === "openapi-3.0") {
        json.type = "string";
        json.nullable = true;
        json.enum = [null];
    }
    else {
        json.type = "null";
    }
};
const undefinedProcessor = (schema, ctx, json, params) => {
    handleUnrepresentable(schema, ctx, json, params, "Undefined cannot be represented in JSON Schema");
};
const voidProcessor = (schema, ctx, json, params) => {
    handleUnrepresentable(schema, ctx, json, params, "Void cannot be represented in JSON Schema");
};
const neverProcessor = (_schema, _ctx, json, _params) => {
    json.not = {};
};
const anyProcessor = (_schema, _ctx, _json, _params) => {
    // empty schema accepts anything
};
const unknownProcessor = (_schema, _ctx, _json, _params) => {
    // empty schema accepts anything
};
const dateProcessor = (schema, ctx, json, params) => {
    handleUnrepresentable(schema, ctx, json, params, "Date cannot be represented in JSON Schema");
};
const enumProcessor = (schema, _ctx, json, _params) => {
    const def = schema._zod.def;
    const values = getEnumValues(def.entries);
    // an empty enum accepts nothing, same as z.never()
    if (values.length === 0) {
        json.not = {};
        return;
    }
    // Number enums can have both string and number values
    if (values.every((v) => typeof v === "number"))
        json.type = "number";
    if (values.every((v) => typeof v === "string"))
        json.type = "string";
    json.enum = values;
};
const literalProcessor = (schema, ctx, json, params) => {
    const def = schema._zod.def;
    // a literal with no values accepts nothing, same as z.never()
    if (def.values.length === 0) {
        json.not = {};
        return;
    }
    const vals = [];
    for (const val of def.values) {
        if (val === undefined) {
            // a custom schema replaces the whole literal, so there is nothing left to accumulate
            if (handleUnrepresentable(schema, ctx, json, params, "Literal `undefined` cannot be represented in JSON Schema"))
                return;
            // otherwise do not add to vals
        }
        else if (typeof val === "bigint") {
            if (handleUnrepresentable(schema, ctx, json, params, "BigInt literals cannot be represented in JSON Schema"))
                return;
            vals.push(Number(val));
        }
        else {
            vals.push(val);
        }
    }
    if (vals.length === 0) {
        // do nothing (an undefined literal was stripped)
    }
    else if (vals.length === 1) {
        const val = vals[0];
        json.type = val === null ? "null" : typeof val;
        if (ctx.target === "draft-04" || ctx.target === "openapi-3.0") {
            json.enum = [val];
        }
        else {
            json.const = val;
        }
    }
    else {
        if (vals.every((v) => typeof v === "number"))
            json.type = "number";
        if (vals.every((v) => typeof v === "string"))
            json.type = "string";
        if (vals.every((v) => typeof v === "boolean"))
            json.type = "boolean";
        if (vals.every((v) => v === null))
            json.type = "null";
        json.enum = vals;
    }
};
const nanProcessor = (schema, ctx, json, params) => {
    handleUnrepresentable(schema, ctx, json, params, "NaN cannot be represented in JSON Schema");
};
const templateLiteralProcessor = (schema, _ctx, json, _params) => {
    const _json = json;
    const pattern = schema._zod.pattern;
    if (!pattern)
        throw new Error("Pattern not found in template literal");
    _json.type = "string";
    _json.pattern = pattern.source;
};
const fileProcessor = (schema, _ctx, json, _params) => {
    const _json = json;
    _json.type = "string";
    _json.format = "binary";
    _json.contentEncoding = "binary";
    const { minimum, maximum, mime } = aggregateChecks(schema);
    if (minimum !== undefined)
        _json.minLength = minimum;
    if (maximum !== undefined)
        _json.maxLength = maximum;
    if (!mime)
        return;
    // an empty intersection means the mime checks share no value, so nothing passes at runtime; `anyOf` must be non-empty, so the false schema is `not: {}`
    if (mime.length === 0)
        _json.not = {};
    else if (mime.length === 1)
        _json.contentMediaType = mime[0];
    // only contentMediaType differs, so the shared props stay at the root
    else
        _json.anyOf = mime.map((m) => ({ contentMediaType: m }));
};
const successProcessor = (_schema, _ctx, json, _params) => {
    json.type = "boolean";
};
const customProcessor = (schema, ctx, json, params) => {
    handleUnrepresentable(schema, ctx, json, params, "Custom types cannot be represented in JSON Schema");
};
const functionProcessor = (schema, ctx, json, params) => {
    handleUnrepresentable(schema, ctx, json, params, "Function types cannot be represented in JSON Schema");
};
const transformProcessor = (schema, ctx, json, params) => {
    handleUnrepresentable(schema, ctx, json, params, "Transforms cannot be represented in JSON Schema");
};
const mapProcessor = (schema, ctx, json, params) => {
    handleUnrepresentable(schema, ctx, json, params, "Map cannot be represented in JSON Schema");
};
const setProcessor = (schema, ctx, json, params) => {
    handleUnrepresentable(schema, ctx, json, params, "Set cannot be represented in JSON Schema");
};
// ==================== COMPOSITE TYPE PROCESSORS ====================
const arrayProcessor = (schema, ctx, _json, params) => {
    const json = _json;
    const def = schema._zod.def;
    const { minimum, maximum } = aggregateChecks(schema);
    if (typeof minimum === "number")
        json.minItems = minimum;
    if (typeof maximum === "number")
        json.maxItems = maximum;
    json.type = "array";
    json.items = to_json_schema_processSchema(def.element, ctx, {
        ...params,
        path: [...params.path, "items"],
    });
};
// Transform and catch set `optin = "optional"` at runtime so the parser lets them observe an
// absent key, but their declared input type stays required. An input JSON Schema describes the
// declared type, so resolve past them to the schema that actually carries the optionality.
// Used by both `objectProcessor` (for `required`) and `tupleProcessor` (for `minItems`); see
// wiki/optionality.md, "The JSON Schema emitter reads the *static* value".
function inputOptin(schema) {
    const def = schema._zod.def;
    if (def.type === "pipe" && def.in._zod.traits.has("$ZodTransform")) {
        return inputOptin(def.out);
    }
    if (def.type === "catch") {
        return inputOptin(def.innerType);
    }
    return schema._zod.optin;
}
const objectProcessor = (schema, ctx, _json, params) => {
    const json = _json;
    const def = schema._zod.def;
    const shape = def.shape;
    // dropping it while still emitting `additionalProperties: false` would emit a schema that rejects data this one requires
    const symbolKeys = Object.getOwnPropertySymbols(shape);
    if (symbolKeys.length &&
        handleUnrepresentable(schema, ctx, json, params, "Symbol keys cannot be represented in JSON Schema")) {
        return;
    }
    json.type = "object";
    json.properties = {};
    for (const key in shape) {
        // assignProp so a __proto__ key becomes an own property instead of hitting the inherited setter on the plain {} we build into
        util_assignProp(json.properties, key, to_json_schema_processSchema(shape[key], ctx, {
            ...params,
            path: [...params.path, "properties", key],
        }));
    }
    // required keys
    const requiredKeys = [];
    for (const key of Object.keys(shape)) {
        const field = def.shape[key];
        if (ctx.io === "input" ? inputOptin(field) === undefined : field._zod.optout === undefined) {
            requiredKeys.push(key);
        }
    }
    if (requiredKeys.length > 0) {
        json.required = requiredKeys;
    }
    // catchall
    if (def.catchall?._zod.def.type === "never") {
        // strict
        json.additionalProperties = false;
    }
    else if (!def.catchall) {
        // regular
        if (ctx.io === "output")
            json.additionalProperties = false;
    }
    else if (def.catchall) {
        json.additionalProperties = to_json_schema_processSchema(def.catchall, ctx, {
            ...params,
            path: [...params.path, "additionalProperties"],
        });
    }
};
const unionProcessor = (schema, ctx, json, params) => {
    const def = schema._zod.def;
    // Exclusive unions (inclusive === false) use oneOf (exactly one match) instead of anyOf (one or more matches). This includes both z.xor() and discriminated unions
    const isExclusive = def.inclusive === false;
    const options = def.options.map((x, i) => to_json_schema_processSchema(x, ctx, {
        ...params,
        path: [...params.path, isExclusive ? "oneOf" : "anyOf", i],
    }));
    if (isExclusive) {
        json.oneOf = options;
    }
    else {
        json.anyOf = options;
    }
};
const intersectionProcessor = (schema, ctx, json, params) => {
    const def = schema._zod.def;
    const a = to_json_schema_processSchema(def.left, ctx, {
        ...params,
        path: [...params.path, "allOf", 0],
    });
    const b = to_json_schema_processSchema(def.right, ctx, {
        ...params,
        path: [...params.path, "allOf", 1],
    });
    const isSimpleIntersection = (val) => "allOf" in val && Object.keys(val).length === 1;
    const allOf = [
        ...(isSimpleIntersection(a) ? a.allOf : [a]),
        ...(isSimpleIntersection(b) ? b.allOf : [b]),
    ];
    json.allOf = allOf;
    // Recorded innermost first, so a nested intersection has already folded by the time this one is considered. The array is the handle rather than the schema, because a wrapper that inherits this schema shares the same array; `finalize` folds every object holding it. See `foldIntersection`.
    ctx.intersections.push(allOf);
};
const tupleProcessor = (schema, ctx, _json, params) => {
    const json = _json;
    const def = schema._zod.def;
    json.type = "array";
    const prefixPath = ctx.target === "draft-2020-12" ? "prefixItems" : "items";
    const restPath = ctx.target === "draft-2020-12" ? "items" : ctx.target === "openapi-3.0" ? "items" : "additionalItems";
    const prefixItems = def.items.map((x, i) => to_json_schema_processSchema(x, ctx, {
        ...params,
        path: [...params.path, prefixPath, i],
    }));
    const rest = def.rest
        ? to_json_schema_processSchema(def.rest, ctx, {
            ...params,
            path: [...params.path, restPath, ...(ctx.target === "openapi-3.0" ? [def.items.length] : [])],
        })
        : null;
    let minItems = def.items.length;
    while (minItems > 0) {
        const item = def.items[minItems - 1];
        const optional = ctx.io === "input" ? inputOptin(item) !== undefined : item._zod.optout === "optional";
        if (!optional)
            break;
        minItems--;
    }
    const maxItems = def.items.length;
    const isClosed = !def.rest;
    if (ctx.target === "draft-2020-12") {
        json.prefixItems = prefixItems;
        if (isClosed) {
            json.items = false;
        }
        else if (rest) {
            json.items = rest;
        }
        if (minItems > 0)
            json.minItems = minItems;
        if (isClosed)
            json.maxItems = maxItems;
    }
    else if (ctx.target === "openapi-3.0") {
        json.items = {
            anyOf: prefixItems,
        };
        if (rest) {
            json.items.anyOf.push(rest);
        }
        if (minItems > 0)
            json.minItems = minItems;
        if (isClosed)
            json.maxItems = maxItems;
    }
    else {
        json.items = prefixItems;
        if (isClosed) {
            json.additionalItems = false;
        }
        else if (rest) {
            json.additionalItems = rest;
        }
        if (minItems > 0)
            json.minItems = minItems;
        if (isClosed)
            json.maxItems = maxItems;
    }
    // explicit user-defined length checks take precedence
    const { minimum, maximum } = aggregateChecks(schema);
    if (typeof minimum === "number")
        json.minItems = minimum;
    if (typeof maximum === "number")
        json.maxItems = maximum;
};
/** JSON object keys are always strings, so a numeric record key schema is re-expressed over the
 * numeric-string form the record parser matches. Deferred to `finalize`, after the flatten: a key
 * behind a wrapper only carries its own `type` before then, and a union key only has its branches.
 *
 * A numeric bound cannot apply to a property name, so `minimum` and its siblings are dropped rather
 * than carried over: keeping them beside `type: "string"` reproduces the match-nothing schema this
 * exists to fix. A key that carries one therefore emits wider than the record parses — `z.record(z.number().min(5), V)`
 * accepts `"3"` — which is the deliberate trade, since throwing on it would reject an ordinary schema
 * outright. */
function stringifyKeyNames(bySchema, json, visited) {
    // an extracted key that rewrites cannot go on sharing its definition — the string form a key position needs is not the number form every other reference wants — so it inlines. One that does not rewrite keeps the `$ref`.
    if (json.$ref) {
        // a recursive key holds its own reference inside its definition, so a node already on the path is left alone rather than resolved again
        if (visited.has(json))
            return json;
        visited.add(json);
        const def = bySchema.get(json)?.def;
        if (!def)
            return json;
        const inlined = stringifyKeyNames(bySchema, def, visited);
        return inlined === def ? json : inlined;
    }
    for (const keyword of ["anyOf", "oneOf"]) {
        const branches = json[keyword];
        if (!Array.isArray(branches))
            continue;
        const mapped = branches.map((branch) => stringifyKeyNames(bySchema, branch, visited));
        // rebuilding regardless would detach a key that had nothing to re-express, dropping its `$ref` and leaking the internal `id`
        if (mapped.some((branch, i) => branch !== branches[i]))
            json = { ...json, [keyword]: mapped };
    }
    // a member that already admits a string leaves the key unconstrained, so the node's own type re-expresses only when every member is numeric
    const types = Array.isArray(json.type) ? json.type : [json.type];
    const numericType = !types.includes("string") && types.some((t) => t === "number" || t === "integer");
    // a heterogeneous key carries no type at all, so its numeric members are caught here instead
    const values = json.enum ?? (json.const !== undefined ? [json.const] : undefined);
    if (!numericType && !values?.some((v) => typeof v === "number"))
        return json;
    const { minimum, maximum, exclusiveMinimum, exclusiveMaximum, multipleOf, format, id, ...rest } = json;
    if (rest.enum)
        rest.enum = rest.enum.map((v) => (typeof v === "number" ? String(v) : v));
    else if (typeof rest.const === "number")
        rest.const = String(rest.const);
    // a heterogeneous key keeps its absent type: the stringified members already say what a key may be
    if (!numericType)
        return rest;
    rest.type = "string";
    if (!values)
        rest.pattern = (types.includes("number") ? number : integer).source;
    return rest;
}
/** Every record of one conversion, so the carriers are found in a single pass rather than once per record. */
const pendingRecords = new WeakMap();
function rewriteKeyNames(ctx) {
    // an extracted key is resolved by the object `extractToDef` left in its place, so the map is built once rather than searched per reference. `_zod.toJSONSchema` can hand the same object to two schemas, so the first entry carrying a body wins, as a search would have found it.
    const bySchema = new Map();
    for (const entry of ctx.seen.values()) {
        if (entry.def && !bySchema.has(entry.schema))
            bySchema.set(entry.schema, entry);
    }
    const rewrites = new Map();
    for (const record of pendingRecords.get(ctx) ?? []) {
        const seen = ctx.seen.get(record);
        const names = (seen?.def ?? seen?.schema)?.propertyNames;
        if (!names || names === true || rewrites.has(names))
            continue;
        const rewritten = stringifyKeyNames(bySchema, names, new Set());
        if (rewritten !== names)
            rewrites.set(names, rewritten);
    }
    if (!rewrites.size)
        return;
    // the flatten has already copied each record's own properties onto every wrapper by reference, and an extracted body is another such copy, so every carrier holding a rewritten key is updated together
    for (const entry of ctx.seen.values()) {
        for (const carrier of [entry.schema, entry.def]) {
            const rewritten = carrier && rewrites.get(carrier.propertyNames);
            if (rewritten)
                carrier.propertyNames = rewritten;
        }
    }
}
const recordProcessor = (schema, ctx, _json, params) => {
    const json = _json;
    const def = schema._zod.def;
    json.type = "object";
    // For looseRecord with regex patterns, use patternProperties. This correctly represents "only validate keys matching the pattern" semantics and composes well with allOf (intersections)
    const keyType = def.keyType;
    const patterns = aggregateChecks(keyType).patterns;
    if (def.mode === "loose" && patterns && patterns.size > 0) {
        // Use patternProperties for looseRecord with regex patterns
        const valueSchema = to_json_schema_processSchema(def.valueType, ctx, {
            ...params,
            path: [...params.path, "patternProperties", "*"],
        });
        json.patternProperties = {};
        for (const pattern of patterns) {
            util_assignProp(json.patternProperties, exactPattern(pattern).source, valueSchema);
        }
    }
    else {
        // Default behavior: use propertyNames + additionalProperties
        if (ctx.target === "draft-07" || ctx.target === "draft-2020-12") {
            json.propertyNames = to_json_schema_processSchema(def.keyType, ctx, {
                ...params,
                path: [...params.path, "propertyNames"],
            });
            let pending = pendingRecords.get(ctx);
            if (!pending) {
                pending = [];
                pendingRecords.set(ctx, pending);
                ctx.deferred.push(() => rewriteKeyNames(ctx));
            }
            pending.push(schema);
        }
        json.additionalProperties = to_json_schema_processSchema(def.valueType, ctx, {
            ...params,
            path: [...params.path, "additionalProperties"],
        });
    }
    // Add required for keys with discrete values (enum, literal, etc.)
    const keyValues = keyType._zod.values;
    // Every key shares one value schema, so an optional-in value makes the whole key set omittable on input. Output keeps them: the exhaustive branch assigns every key, even one whose value came back undefined.
    const omittableOnInput = ctx.io === "input" && inputOptin(def.valueType) !== undefined;
    if (keyValues && !def.partial && !omittableOnInput) {
        const validKeyValues = [...keyValues].filter((v) => typeof v === "string" || typeof v === "number");
        if (validKeyValues.length > 0) {
            json.required = validKeyValues.map(String);
        }
    }
};
const nullableProcessor = (schema, ctx, json, params) => {
    const def = schema._zod.def;
    const inner = to_json_schema_processSchema(def.innerType, ctx, params);
    const seen = ctx.seen.get(schema);
    if (ctx.target === "openapi-3.0") {
        seen.ref = def.innerType;
        json.nullable = true;
    }
    else {
        json.anyOf = [inner, { type: "null" }];
    }
};
const nonoptionalProcessor = (schema, ctx, _json, params) => {
    const def = schema._zod.def;
    to_json_schema_processSchema(def.innerType, ctx, params);
    const seen = ctx.seen.get(schema);
    seen.ref = def.innerType;
};
/** Round-trips a default value through JSON so the emitted schema is guaranteed to be valid JSON.
 * A BigInt has no reliable encoding, so it goes through `unrepresentable` like any other
 * unrepresentable value. Returns a sentinel when the caller must not write a default of its own. */
const UNREPRESENTABLE_DEFAULT = Symbol();
function serializeDefaultValue(value, schema, ctx, json, params) {
    let unrepresentable = false;
    const serialized = JSON.stringify(value, (_, val) => {
        if (typeof val !== "bigint")
            return val;
        unrepresentable = true;
        return null;
    });
    if (!unrepresentable)
        return JSON.parse(serialized);
    handleUnrepresentable(schema, ctx, json, params, "BigInt defaults cannot be represented in JSON Schema");
    return UNREPRESENTABLE_DEFAULT;
}
const defaultProcessor = (schema, ctx, json, params) => {
    const def = schema._zod.def;
    to_json_schema_processSchema(def.innerType, ctx, params);
    const seen = ctx.seen.get(schema);
    seen.ref = def.innerType;
    const value = serializeDefaultValue(def.defaultValue, schema, ctx, json, params);
    if (value !== UNREPRESENTABLE_DEFAULT)
        json.default = value;
};
const prefaultProcessor = (schema, ctx, json, params) => {
    const def = schema._zod.def;
    to_json_schema_processSchema(def.innerType, ctx, params);
    const seen = ctx.seen.get(schema);
    seen.ref = def.innerType;
    if (ctx.io !== "input")
        return;
    const value = serializeDefaultValue(def.defaultValue, schema, ctx, json, params);
    if (value !== UNREPRESENTABLE_DEFAULT)
        json._prefault = value;
};
const catchProcessor = (schema, ctx, json, params) => {
    const def = schema._zod.def;
    to_json_schema_processSchema(def.innerType, ctx, params);
    const seen = ctx.seen.get(schema);
    seen.ref = def.innerType;
    let catchValue;
    try {
        catchValue = def.catchValue(undefined);
    }
    catch {
        handleUnrepresentable(schema, ctx, json, params, "Dynamic catch values are not supported in JSON Schema");
        return;
    }
    json.default = catchValue;
};
const pipeProcessor = (schema, ctx, _json, params) => {
    const def = schema._zod.def;
    const inIsTransform = def.in._zod.traits.has("$ZodTransform");
    const innerType = ctx.io === "input" ? (inIsTransform ? def.out : def.in) : def.out;
    to_json_schema_processSchema(innerType, ctx, params);
    const seen = ctx.seen.get(schema);
    seen.ref = innerType;
};
const readonlyProcessor = (schema, ctx, json, params) => {
    const def = schema._zod.def;
    to_json_schema_processSchema(def.innerType, ctx, params);
    const seen = ctx.seen.get(schema);
    seen.ref = def.innerType;
    json.readOnly = true;
};
const promiseProcessor = (schema, ctx, _json, params) => {
    const def = schema._zod.def;
    to_json_schema_processSchema(def.innerType, ctx, params);
    const seen = ctx.seen.get(schema);
    seen.ref = def.innerType;
};
const optionalProcessor = (schema, ctx, _json, params) => {
    const def = schema._zod.def;
    to_json_schema_processSchema(def.innerType, ctx, params);
    const seen = ctx.seen.get(schema);
    seen.ref = def.innerType;
};
const lazyProcessor = (schema, ctx, _json, params) => {
    const innerType = schema._zod.innerType;
    to_json_schema_processSchema(innerType, ctx, params);
    const seen = ctx.seen.get(schema);
    seen.ref = innerType;
};
// ==================== ALL PROCESSORS ====================
const allProcessors = {
    string: stringProcessor,
    number: numberProcessor,
    boolean: booleanProcessor,
    bigint: bigintProcessor,
    symbol: symbolProcessor,
    null: nullProcessor,
    undefined: undefinedProcessor,
    void: voidProcessor,
    never: neverProcessor,
    any: anyProcessor,
    unknown: unknownProcessor,
    date: dateProcessor,
    enum: enumProcessor,
    literal: literalProcessor,
    nan: nanProcessor,
    template_literal: templateLiteralProcessor,
    file: fileProcessor,
    success: successProcessor,
    custom: customProcessor,
    function: functionProcessor,
    transform: transformProcessor,
    map: mapProcessor,
    set: setProcessor,
    array: arrayProcessor,
    object: objectProcessor,
    union: unionProcessor,
    intersection: intersectionProcessor,
    tuple: tupleProcessor,
    record: recordProcessor,
    nullable: nullableProcessor,
    nonoptional: nonoptionalProcessor,
    default: defaultProcessor,
    prefault: prefaultProcessor,
    catch: catchProcessor,
    pipe: pipeProcessor,
    readonly: readonlyProcessor,
    promise: promiseProcessor,
    optional: optionalProcessor,
    lazy: lazyProcessor,
};
function toJSONSchema(input, params) {
    if ("_idmap" in input) {
        // Registry case
        const registry = input;
        const ctx = initializeContext({ ...params, processors: allProcessors });
        const defs = {};
        // First pass: process all schemas to build the seen map
        for (const entry of registry._idmap.entries()) {
            const [_, schema] = entry;
            processSchema(schema, ctx);
        }
        const schemas = {};
        const external = {
            registry,
            uri: params?.uri,
            defs,
        };
        // Update the context with external configuration
        ctx.external = external;
        // Second pass: emit each schema
        for (const entry of registry._idmap.entries()) {
            const [key, schema] = entry;
            extractDefs(ctx, schema);
            assignProp(schemas, key, finalize(ctx, schema));
        }
        if (Object.keys(defs).length > 0) {
            const defsSegment = ctx.target === "draft-2020-12" ? "$defs" : "definitions";
            schemas.__shared = {
                [defsSegment]: defs,
            };
        }
        return { schemas };
    }
    // Single schema case
    const ctx = initializeContext({ ...params, processors: allProcessors });
    processSchema(input, ctx);
    extractDefs(ctx, input);
    return finalize(ctx, input);
}

;// CONCATENATED MODULE: ./node_modules/zod/v4/locales/en.js

const error = () => {
    const Sizable = {
        string: { unit: "characters", verb: "to have" },
        file: { unit: "bytes", verb: "to have" },
        array: { unit: "items", verb: "to have" },
        set: { unit: "items", verb: "to have" },
        map: { unit: "entries", verb: "to have" },
    };
    function getSizing(origin) {
        return Sizable[origin] ?? null;
    }
    const FormatDictionary = {
        regex: "input",
        email: "email address",
        url: "URL",
        emoji: "emoji",
        uuid: "UUID",
        uuidv4: "UUIDv4",
        uuidv6: "UUIDv6",
        nanoid: "nanoid",
        guid: "GUID",
        cuid: "cuid",
        cuid2: "cuid2",
        ulid: "ULID",
        xid: "XID",
        ksuid: "KSUID",
        datetime: "ISO datetime",
        date: "ISO date",
        time: "ISO time",
        duration: "ISO duration",
        ipv4: "IPv4 address",
        ipv6: "IPv6 address",
        mac: "MAC address",
        cidrv4: "IPv4 range",
        cidrv6: "IPv6 range",
        base64: "base64-encoded string",
        base64url: "base64url-encoded string",
        json_string: "JSON string",
        e164: "E.164 number",
        currency_code: "currency code",
        credit_card: "credit card number",
        iban: "IBAN",
        jwt: "JWT",
        template_literal: "input",
    };
    // type names: missing keys = do not translate (use raw value via ?? fallback)
    const TypeDictionary = {
        // Compatibility: "nan" -> "NaN" for display
        nan: "NaN",
        // All other type names omitted - they fall back to raw values via ?? operator
    };
    function getTypeName(type, input) {
        if (type === "number" && typeof input === "number" && !Number.isFinite(input)) {
            return String(input);
        }
        return TypeDictionary[type] ?? type;
    }
    return (issue) => {
        switch (issue.code) {
            case "invalid_type": {
                const expected = getTypeName(issue.expected);
                const receivedType = parsedType(issue.input);
                const received = getTypeName(receivedType, issue.input);
                return `Invalid input: expected ${expected}, received ${received}`;
            }
            case "invalid_value":
                if (issue.values.length === 1)
                    return `Invalid input: expected ${stringifyPrimitive(issue.values[0])}`;
                return `Invalid option: expected one of ${joinValues(issue.values, "|")}`;
            case "too_big": {
                const adj = issue.exact ? "exactly " : issue.inclusive ? "<=" : "<";
                const sizing = getSizing(issue.origin);
                if (sizing)
                    return `Too big: expected ${issue.origin ?? "value"} to have ${adj}${issue.maximum.toString()} ${sizing.unit ?? "elements"}`;
                return `Too big: expected ${issue.origin ?? "value"} to be ${adj}${issue.maximum.toString()}`;
            }
            case "too_small": {
                const adj = issue.exact ? "exactly " : issue.inclusive ? ">=" : ">";
                const sizing = getSizing(issue.origin);
                if (sizing) {
                    return `Too small: expected ${issue.origin} to have ${adj}${issue.minimum.toString()} ${sizing.unit}`;
                }
                return `Too small: expected ${issue.origin} to be ${adj}${issue.minimum.toString()}`;
            }
            case "invalid_format": {
                const _issue = issue;
                if (_issue.format === "starts_with") {
                    return `Invalid string: must start with "${_issue.prefix}"`;
                }
                if (_issue.format === "ends_with")
                    return `Invalid string: must end with "${_issue.suffix}"`;
                if (_issue.format === "includes")
                    return `Invalid string: must include "${_issue.includes}"`;
                if (_issue.format === "regex")
                    return `Invalid string: must match pattern ${_issue.pattern}`;
                return `Invalid ${FormatDictionary[_issue.format] ?? issue.format}`;
            }
            case "not_multiple_of":
                return `Invalid number: must be a multiple of ${issue.divisor}`;
            case "unrecognized_keys":
                return `Unrecognized key${issue.keys.length > 1 ? "s" : ""}: ${joinValues(issue.keys, ", ")}`;
            case "invalid_key":
                return `Invalid key in ${issue.origin}`;
            case "invalid_union":
                if (issue.options && Array.isArray(issue.options) && issue.options.length > 0) {
                    const opts = issue.options.map((o) => `'${o}'`).join(" | ");
                    return `Invalid discriminator value. Expected ${opts}`;
                }
                if (issue.inclusive === false) {
                    return "Invalid input: more than one option matched";
                }
                return "Invalid input";
            case "invalid_element":
                return `Invalid value in ${issue.origin}`;
            default:
                return `Invalid input`;
        }
    };
};
/* harmony default export */ function en() {
    return {
        localeError: error(),
    };
}

;// CONCATENATED MODULE: ./node_modules/zod/v4/core/errors.js


/* Computing the message eagerly is expensive (pretty-printed JSON of all
 * issues), so defer it until first read. The accessor functions and
 * descriptors are shared across instances to keep error construction
 * cheap; the computed message is cached on the internals object. The
 * setter preserves plain assignment semantics for consumers that
 * overwrite `message`. */
function _getMessage() {
    const internals = this._zod;
    internals.message ?? (internals.message = JSON.stringify(internals.def, jsonStringifyReplacer, 2));
    return internals.message;
}
function _setMessage(value) {
    this._zod.message = value;
}
const _messageDesc = {
    get: _getMessage,
    set: _setMessage,
    enumerable: true,
    configurable: true,
};
const _issuesDesc = { value: undefined, enumerable: false };
/* Prototypes that already carry the lazy `toString`. Seeded with the
 * intrinsics so that `init` on a foreign object — it accepts any object —
 * can never install an accessor onto a prototype we do not own. */
const _installedToString = /* @__PURE__ */ new WeakSet([Object.prototype, Error.prototype]);
const initializer = (inst, def) => {
    inst.name = "$ZodError";
    // `_zod` is already non-enumerable: $constructor's init defined it with this same descriptor
    _issuesDesc.value = def;
    Object.defineProperty(inst, "issues", _issuesDesc);
    // Clear the shared slot; a retained `value` pins the last error's issues.
    _issuesDesc.value = undefined;
    Object.defineProperty(inst, "message", _messageDesc);
    /* `toString` lives as a non-enumerable lazy getter on the shared
     * prototype; on first access it caches a per-instance closure so
     * detached usage still works. */
    const proto = Object.getPrototypeOf(inst);
    if (!_installedToString.has(proto)) {
        _installedToString.add(proto);
        Object.defineProperty(proto, "toString", {
            configurable: true,
            enumerable: false,
            get() {
                const value = () => this.message;
                Object.defineProperty(this, "toString", { value, configurable: true, writable: true });
                return value;
            },
            set(value) {
                Object.defineProperty(this, "toString", { value, configurable: true, writable: true });
            },
        });
    }
};
const $ZodError = $constructor("$ZodError", initializer);
const $ZodRealError = $constructor("$ZodError", initializer, undefined, {
    Parent: Error,
});
/** Get-or-create `obj[key]` as an own data property. A path segment naming an inherited member
 * ("toString", "constructor") would otherwise read through to the prototype, and assigning
 * "__proto__" would hit the setter instead of creating a key. */
function node(obj, key, make) {
    if (!Object.prototype.hasOwnProperty.call(obj, key)) {
        if (key === "__proto__") {
            Object.defineProperty(obj, key, { value: make(), writable: true, enumerable: true, configurable: true });
        }
        else {
            obj[key] = make();
        }
    }
    return obj[key];
}
function flattenError(error, mapper = (issue) => issue.message) {
    const fieldErrors = {};
    const formErrors = [];
    for (const sub of error.issues) {
        if (sub.path.length > 0) {
            node(fieldErrors, sub.path[0], () => []).push(mapper(sub));
        }
        else {
            formErrors.push(mapper(sub));
        }
    }
    return { formErrors, fieldErrors };
}
function formatError(error, mapper = (issue) => issue.message) {
    const fieldErrors = { _errors: [] };
    const processError = (error, path = []) => {
        for (const issue of error.issues) {
            if (issue.code === "invalid_union" && issue.errors.length) {
                issue.errors.map((issues) => processError({ issues }, [...path, ...issue.path]));
            }
            else if (issue.code === "invalid_key") {
                processError({ issues: issue.issues }, [...path, ...issue.path]);
            }
            else if (issue.code === "invalid_element") {
                processError({ issues: issue.issues }, [...path, ...issue.path]);
            }
            else {
                const fullpath = [...path, ...issue.path];
                if (fullpath.length === 0) {
                    fieldErrors._errors.push(mapper(issue));
                }
                else {
                    let curr = fieldErrors;
                    let i = 0;
                    while (i < fullpath.length) {
                        const el = fullpath[i];
                        const terminal = i === fullpath.length - 1;
                        // `_errors` is reserved by this legacy format, so merge a matching path segment into the current node instead of treating its array as a child.
                        if (el === "_errors") {
                            if (terminal)
                                curr._errors.push(mapper(issue));
                            i++;
                            continue;
                        }
                        // A path element may collide with an inherited property name such as
                        // "__proto__" or "constructor". Truthiness checks read the prototype
                        // (so no node is created, then ._errors.push throws), and bracket
                        // assignment of "__proto__" hits the setter instead of creating an
                        // own key. Guard the read with hasOwnProperty and create the node
                        // with defineProperty so any path element becomes a real own key.
                        if (!Object.prototype.hasOwnProperty.call(curr, el)) {
                            Object.defineProperty(curr, el, {
                                value: { _errors: [] },
                                enumerable: true,
                                writable: true,
                                configurable: true,
                            });
                        }
                        const node = curr[el];
                        if (terminal) {
                            node._errors.push(mapper(issue));
                        }
                        curr = node;
                        i++;
                    }
                }
            }
        }
    };
    processError(error);
    return fieldErrors;
}
function treeifyError(error, mapper = (issue) => issue.message) {
    const result = { errors: [] };
    const processError = (error, path = []) => {
        var _a;
        for (const issue of error.issues) {
            if (issue.code === "invalid_union" && issue.errors.length) {
                // regular union error
                issue.errors.map((issues) => processError({ issues }, [...path, ...issue.path]));
            }
            else if (issue.code === "invalid_key") {
                processError({ issues: issue.issues }, [...path, ...issue.path]);
            }
            else if (issue.code === "invalid_element") {
                processError({ issues: issue.issues }, [...path, ...issue.path]);
            }
            else {
                const fullpath = [...path, ...issue.path];
                if (fullpath.length === 0) {
                    result.errors.push(mapper(issue));
                    continue;
                }
                let curr = result;
                let i = 0;
                while (i < fullpath.length) {
                    const el = fullpath[i];
                    const terminal = i === fullpath.length - 1;
                    if (typeof el === "string") {
                        curr.properties ?? (curr.properties = {});
                        // el may collide with an inherited property name ("__proto__",
                        // "constructor", ...); ??= reads the prototype so the node is never
                        // created and curr.errors.push throws. Guard with hasOwnProperty and
                        // create the node with defineProperty so "__proto__" becomes a real
                        // own key rather than invoking the prototype setter.
                        if (!Object.prototype.hasOwnProperty.call(curr.properties, el)) {
                            Object.defineProperty(curr.properties, el, {
                                value: { errors: [] },
                                enumerable: true,
                                writable: true,
                                configurable: true,
                            });
                        }
                        curr = curr.properties[el];
                    }
                    else {
                        curr.items ?? (curr.items = []);
                        (_a = curr.items)[el] ?? (_a[el] = { errors: [] });
                        curr = curr.items[el];
                    }
                    if (terminal) {
                        curr.errors.push(mapper(issue));
                    }
                    i++;
                }
            }
        }
    };
    processError(error);
    return result;
}
/** Format a ZodError as a human-readable string in the following form.
 *
 * From
 *
 * ```ts
 * ZodError {
 *   issues: [
 *     {
 *       expected: 'string',
 *       code: 'invalid_type',
 *       path: [ 'username' ],
 *       message: 'Invalid input: expected string'
 *     },
 *     {
 *       expected: 'number',
 *       code: 'invalid_type',
 *       path: [ 'favoriteNumbers', 1 ],
 *       message: 'Invalid input: expected number'
 *     }
 *   ];
 * }
 * ```
 *
 * to
 *
 * ```
 * username
 *   ✖ Expected number, received string at "username
 * favoriteNumbers[0]
 *   ✖ Invalid input: expected number
 * ```
 */
function toDotPath(_path) {
    const segs = [];
    const path = _path.map((seg) => (typeof seg === "object" ? seg.key : seg));
    for (const seg of path) {
        if (typeof seg === "number")
            segs.push(`[${seg}]`);
        else if (typeof seg === "symbol")
            segs.push(`[${JSON.stringify(String(seg))}]`);
        else if (/[^\w$]/.test(seg))
            segs.push(`[${JSON.stringify(seg)}]`);
        else {
            if (segs.length)
                segs.push(".");
            segs.push(seg);
        }
    }
    return segs.join("");
}
function prettifyError(error) {
    const lines = [];
    // sort by path length
    const issues = [...error.issues].sort((a, b) => (a.path ?? []).length - (b.path ?? []).length);
    // Process each issue
    for (const issue of issues) {
        lines.push(`✖ ${issue.message}`);
        if (issue.path?.length)
            lines.push(`  → at ${toDotPath(issue.path)}`);
    }
    // Convert Map to formatted string
    return lines.join("\n");
}

;// CONCATENATED MODULE: ./node_modules/zod/v4/core/parse.js



// Always both keys, so the `_params` read site in `_parse` sees one object shape rather than two.
function finalizeParams(callee, params) {
    return { callee: params?.callee ?? callee, Err: params?.Err };
}
const _parse = (_Err) => {
    const fn = (schema, value, _ctx, _params) => {
        const ctx = _ctx ? { ..._ctx, async: false } : { async: false };
        const result = schema._zod.run({ value, issues: [] }, ctx);
        if (result instanceof Promise) {
            throw new $ZodAsyncError();
        }
        if (result.issues.length) {
            const e = new (_params?.Err ?? _Err)(result.issues.map((iss) => finalizeIssue(iss, ctx, config())));
            captureStackTrace(e, _params?.callee ?? fn);
            throw e;
        }
        return result.value;
    };
    return fn;
};
const parse_parse = /* @__PURE__*/ _parse($ZodRealError);
const _parseAsync = (_Err) => {
    const fn = async (schema, value, _ctx, params) => {
        const ctx = _ctx ? { ..._ctx, async: true } : { async: true };
        let result = schema._zod.run({ value, issues: [] }, ctx);
        if (result instanceof Promise)
            result = await result;
        if (result.issues.length) {
            const e = new (params?.Err ?? _Err)(result.issues.map((iss) => finalizeIssue(iss, ctx, config())));
            captureStackTrace(e, params?.callee ?? fn);
            throw e;
        }
        return result.value;
    };
    return fn;
};
const parse_parseAsync = /* @__PURE__*/ _parseAsync($ZodRealError);
const _safeParse = (_Err) => (schema, value, _ctx) => {
    const ctx = _ctx ? { ..._ctx, async: false } : { async: false };
    const result = schema._zod.run({ value, issues: [] }, ctx);
    if (result instanceof Promise) {
        throw new $ZodAsyncError();
    }
    return result.issues.length ? failure(_Err, result.issues, ctx) : { success: true, data: result.value };
};
const safeParse = /* @__PURE__*/ _safeParse($ZodRealError);
// the error is built on the first read of `error`: finalizing the issues and constructing the instance is most of a failing parse, and a caller that only branches on `success` never pays it. a getter in the literal keeps this small; the alternative, one shared accessor descriptor plus a hidden state slot, reads ~15% faster but costs ~75 B gzipped in every bundle
function failure(Err, issues, ctx) {
    let error;
    return {
        success: false,
        get error() {
            if (!error) {
                error = new Err(issues.map((iss) => finalizeIssue(iss, ctx, config())));
                // finalizeIssue drops `input`, so the built error holds nothing; keeping the raw issues past this point pins the parsed value for the life of the result
                issues = undefined;
                ctx = undefined;
            }
            return error;
        },
        set error(e) {
            error = e;
            // a replacement makes the getter's branch unreachable, so the captures have to go here too
            issues = undefined;
            ctx = undefined;
        },
    };
}
const _safeParseAsync = (_Err) => async (schema, value, _ctx) => {
    const ctx = _ctx ? { ..._ctx, async: true } : { async: true };
    let result = schema._zod.run({ value, issues: [] }, ctx);
    if (result instanceof Promise)
        result = await result;
    return result.issues.length ? failure(_Err, result.issues, ctx) : { success: true, data: result.value };
};
const safeParseAsync = /* @__PURE__*/ _safeParseAsync($ZodRealError);
// registry mirrors of the compiler's sentinels, so this module never imports the compiler
const COMPILE_INVALID = /* @__PURE__ */ Symbol.for("zod.compile.invalid");
const COMPILE_FALLBACK = /* @__PURE__ */ Symbol.for("zod.compile.fallback");
// Deliberately tiny, because v8 will not inline a body carrying the fallback's object literals and throw. Everything that is not the compiled happy path lives in validateFallback, and that split is worth ~35% on a compiled schema.
const validate = ((schema, value, _ctx) => {
    const validator = schema._zod.bag.validator;
    if (validator !== undefined) {
        if (validator(value) !== COMPILE_INVALID)
            return true;
        // a definite sentinel means the runtime would reject, so skip the re-parse; a ctx can still change the answer
        if (validator.definite === true && _ctx === undefined)
            return false;
    }
    return validateFallback(schema, value, _ctx);
});
function validateFallback(schema, value, _ctx) {
    const ctx = _ctx
        ? { ..._ctx, async: false, abortEarly: true }
        : { async: false, abortEarly: true };
    const fallbackRun = schema._zod.bag.fallbackRun;
    let result;
    if (fallbackRun) {
        // skip nested fast paths on the fallback, so user callbacks keep the at-most-twice bound
        ctx[COMPILE_FALLBACK] = true;
        result = fallbackRun({ value, issues: [] }, ctx);
    }
    else {
        result = schema._zod.run({ value, issues: [] }, ctx);
    }
    if (result instanceof Promise) {
        throw new $ZodAsyncError();
    }
    return result.issues.length === 0;
}
// no fast path: the compiler keeps async parses on the runtime, because a promise-returning callback that is not declared async compiles to a throw
const parse_validateAsync = async (schema, value, _ctx) => {
    const ctx = _ctx
        ? { ..._ctx, async: true, abortEarly: true }
        : { async: true, abortEarly: true };
    let result = schema._zod.run({ value, issues: [] }, ctx);
    if (result instanceof Promise)
        result = await result;
    return result.issues.length === 0;
};
const _encode = (_Err) => {
    const parse = _parse(_Err);
    const fn = (schema, value, _ctx, _params) => {
        const ctx = _ctx ? { ..._ctx, direction: "backward" } : { direction: "backward" };
        return parse(schema, value, ctx, finalizeParams(fn, _params));
    };
    return fn;
};
const encode = /* @__PURE__*/ _encode($ZodRealError);
const _decode = (_Err) => {
    const parse = _parse(_Err);
    const fn = (schema, value, _ctx, _params) => {
        return parse(schema, value, _ctx, finalizeParams(fn, _params));
    };
    return fn;
};
const decode = /* @__PURE__*/ _decode($ZodRealError);
const _encodeAsync = (_Err) => {
    const parseAsync = _parseAsync(_Err);
    const fn = async (schema, value, _ctx, _params) => {
        const ctx = _ctx ? { ..._ctx, direction: "backward" } : { direction: "backward" };
        return (await parseAsync(schema, value, ctx, finalizeParams(fn, _params)));
    };
    return fn;
};
const encodeAsync = /* @__PURE__*/ _encodeAsync($ZodRealError);
const _decodeAsync = (_Err) => {
    const parseAsync = _parseAsync(_Err);
    const fn = async (schema, value, _ctx, _params) => {
        return await parseAsync(schema, value, _ctx, finalizeParams(fn, _params));
    };
    return fn;
};
const decodeAsync = /* @__PURE__*/ _decodeAsync($ZodRealError);
const _safeEncode = (_Err) => (schema, value, _ctx) => {
    const ctx = _ctx ? { ..._ctx, direction: "backward" } : { direction: "backward" };
    return _safeParse(_Err)(schema, value, ctx);
};
const safeEncode = /* @__PURE__*/ _safeEncode($ZodRealError);
const _safeDecode = (_Err) => (schema, value, _ctx) => {
    return _safeParse(_Err)(schema, value, _ctx);
};
const safeDecode = /* @__PURE__*/ _safeDecode($ZodRealError);
const _safeEncodeAsync = (_Err) => async (schema, value, _ctx) => {
    const ctx = _ctx ? { ..._ctx, direction: "backward" } : { direction: "backward" };
    return _safeParseAsync(_Err)(schema, value, ctx);
};
const safeEncodeAsync = /* @__PURE__*/ _safeEncodeAsync($ZodRealError);
const _safeDecodeAsync = (_Err) => async (schema, value, _ctx) => {
    return _safeParseAsync(_Err)(schema, value, _ctx);
};
const safeDecodeAsync = /* @__PURE__*/ _safeDecodeAsync($ZodRealError);

;// CONCATENATED MODULE: ./node_modules/zod/v4/classic/errors.js



/* Prototypes that already carry the lazy helper methods. Seeded with the
 * intrinsics so that `init` on a foreign object — it accepts any object —
 * can never install an accessor onto a prototype we do not own. */
const _installedErrorProtos = /* @__PURE__ */ new WeakSet([Object.prototype, Error.prototype]);
/* Helper methods live as non-enumerable lazy getters on the shared
 * prototype instead of own properties on every instance. On first
 * access the getter allocates the per-instance closure and caches it
 * as a non-enumerable own property, so detached usage still works and
 * the allocation only happens for methods actually touched. */
function _lazyMethod(proto, key, make) {
    Object.defineProperty(proto, key, {
        configurable: true,
        enumerable: false,
        get() {
            const value = make(this);
            Object.defineProperty(this, key, { value, configurable: true, writable: true });
            return value;
        },
        set(value) {
            Object.defineProperty(this, key, { value, configurable: true, writable: true });
        },
    });
}
const errors_initializer = (inst, issues) => {
    $ZodError.init(inst, issues);
    inst.name = "ZodError";
    const proto = Object.getPrototypeOf(inst);
    if (_installedErrorProtos.has(proto))
        return;
    _installedErrorProtos.add(proto);
    _lazyMethod(proto, "format", (self) => (mapper) => formatError(self, mapper));
    _lazyMethod(proto, "flatten", (self) => (mapper) => flattenError(self, mapper));
    _lazyMethod(proto, "addIssue", (self) => (issue) => {
        self.issues.push(issue);
        self.message = JSON.stringify(self.issues, jsonStringifyReplacer, 2);
    });
    _lazyMethod(proto, "addIssues", (self) => (issues) => {
        self.issues.push(...issues);
        self.message = JSON.stringify(self.issues, jsonStringifyReplacer, 2);
    });
    Object.defineProperty(proto, "isEmpty", {
        configurable: true,
        enumerable: false,
        get() {
            return this.issues.length === 0;
        },
    });
};
const ZodError = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("ZodError", errors_initializer)));
const ZodRealError = /*@__PURE__*/ $constructor("ZodError", errors_initializer, undefined, {
    Parent: Error,
});
// /** @deprecated Use `z.core.$ZodErrorMapCtx` instead. */
// export type ErrorMapCtx = core.$ZodErrorMapCtx;

;// CONCATENATED MODULE: ./node_modules/zod/v4/classic/parse.js


const classic_parse_parse = /* @__PURE__ */ _parse(ZodRealError);
const classic_parse_parseAsync = /* @__PURE__ */ _parseAsync(ZodRealError);
const parse_safeParse = /* @__PURE__ */ _safeParse(ZodRealError);
const parse_safeParseAsync = /* @__PURE__ */ _safeParseAsync(ZodRealError);

// Codec functions
const parse_encode = /* @__PURE__ */ _encode(ZodRealError);
const parse_decode = /* @__PURE__ */ _decode(ZodRealError);
const parse_encodeAsync = /* @__PURE__ */ _encodeAsync(ZodRealError);
const parse_decodeAsync = /* @__PURE__ */ _decodeAsync(ZodRealError);
const parse_safeEncode = /* @__PURE__ */ _safeEncode(ZodRealError);
const parse_safeDecode = /* @__PURE__ */ _safeDecode(ZodRealError);
const parse_safeEncodeAsync = /* @__PURE__ */ _safeEncodeAsync(ZodRealError);
const parse_safeDecodeAsync = /* @__PURE__ */ _safeDecodeAsync(ZodRealError);

;// CONCATENATED MODULE: ./node_modules/zod/v4/classic/schemas.js








// Register English as the default locale on first ZodType construction. Hooked into the `ZodType` `$constructor` (rather than a top-level `config(en())` in `external.ts`) so bundlers honoring `sideEffects: false` can't tree-shake it out — see #5953, #5725. An explicit `z.config(z.locales.xx())` call wins regardless of order, since this only sets the default when none is present.
function _ensureDefaultLocale() {
    if (!globalConfig.localeError)
        config(en());
}
// the default memoizer is read by the core container init, which runs before `ZodType.init`, so each container calls this first
function _ensureDefaultMemoizer() {
    if (!globalConfig.memoizer)
        config({ memoizer: memoizer() });
}
const ZodType = /*@__PURE__*/ $constructor("ZodType", (inst, def) => {
    _ensureDefaultLocale();
    $ZodType.init(inst, def);
    inst.def = def;
    inst.type = def.type;
    return inst;
}, {
    check(...chks) {
        const def = this.def;
        return this.clone(mergeDefs(def, {
            checks: [
                ...(def.checks ?? []),
                ...chks.map((ch) => typeof ch === "function" ? { _zod: { check: ch, def: { check: "custom" }, onattach: [] } } : ch),
            ],
        }), { parent: true });
    },
    with(...chks) {
        return this.check(...chks);
    },
    clone(def, params) {
        return clone(this, def, params);
    },
    brand() {
        return this;
    },
    register(reg, meta) {
        reg.add(this, meta);
        return this;
    },
    refine(check, params) {
        return this.check(refine(check, params));
    },
    superRefine(refinement, params) {
        return this.check(superRefine(refinement, params));
    },
    overwrite(fn) {
        return this.check(_overwrite(fn));
    },
    optional() {
        return optional(this);
    },
    exactOptional() {
        return exactOptional(this);
    },
    nullable() {
        return nullable(this);
    },
    nullish() {
        return optional(nullable(this));
    },
    nonoptional(params) {
        return nonoptional(this, params);
    },
    array() {
        return array(this);
    },
    or(arg) {
        return union([this, arg]);
    },
    and(arg) {
        return intersection(this, arg);
    },
    transform(tx) {
        return pipe(this, transform(tx));
    },
    default(d) {
        return schemas_default(this, d);
    },
    prefault(d) {
        return prefault(this, d);
    },
    catch(params) {
        return schemas_catch(this, params);
    },
    pipe(target) {
        return pipe(this, target);
    },
    readonly() {
        return readonly(this);
    },
    describe(description) {
        const cl = this.clone();
        globalRegistry.add(cl, { description });
        return cl;
    },
    meta(...args) {
        // overloaded: meta() returns the registered metadata, meta(data) returns a clone with `data` registered. The mapped type picks up the second overload, so we accept variadic any-args and return `any` to satisfy both at runtime.
        if (args.length === 0)
            return globalRegistry.get(this);
        const cl = this.clone();
        globalRegistry.add(cl, args[0]);
        return cl;
    },
    isOptional() {
        return this.safeParse(undefined).success;
    },
    isNullable() {
        return this.safeParse(null).success;
    },
    apply(fn, ...args) {
        return args.length === 0 ? fn(this) : fn(this, ...args);
    },
    // Overrides core's `~standard` to add `jsonSchema`. Must stay a prototype entry: redefining it per instance demotes instances to dictionary mode.
    get "~standard"() {
        return hide(this, "~standard", {
            ...standardProps(this),
            jsonSchema: {
                input: createStandardJSONSchemaMethod(this, "input"),
                output: createStandardJSONSchemaMethod(this, "output"),
            },
        });
    },
    set "~standard"(value) {
        own(this, "~standard", value);
    },
    parse: function _parse(data, params) {
        return classic_parse_parse(this, data, params, { callee: _parse });
    },
    parseAsync: async function _parseAsync(data, params) {
        return await classic_parse_parseAsync(this, data, params, { callee: _parseAsync });
    },
    safeParse(data, params) {
        return parse_safeParse(this, data, params);
    },
    async safeParseAsync(data, params) {
        return parse_safeParseAsync(this, data, params);
    },
    // `spa` is an alias: same function object as `safeParseAsync`, as before.
    get spa() {
        return this?.safeParseAsync;
    },
    set spa(value) {
        own(this, "spa", value);
    },
    validate(data, params) {
        return validate(this, data, params);
    },
    validateAsync(data, params) {
        return parse_validateAsync(this, data, params);
    },
    encode: function _encode(data, params) {
        return parse_encode(this, data, params, { callee: _encode });
    },
    decode: function _decode(data, params) {
        return parse_decode(this, data, params, { callee: _decode });
    },
    encodeAsync: async function _encodeAsync(data, params) {
        return await parse_encodeAsync(this, data, params, { callee: _encodeAsync });
    },
    decodeAsync: async function _decodeAsync(data, params) {
        return await parse_decodeAsync(this, data, params, { callee: _decodeAsync });
    },
    safeEncode(data, params) {
        return parse_safeEncode(this, data, params);
    },
    safeDecode(data, params) {
        return parse_safeDecode(this, data, params);
    },
    async safeEncodeAsync(data, params) {
        return parse_safeEncodeAsync(this, data, params);
    },
    async safeDecodeAsync(data, params) {
        return parse_safeDecodeAsync(this, data, params);
    },
    toJSONSchema(params) {
        return createToJSONSchemaMethod(this, {})(params);
    },
    // Reads through to the registry on every access, so it must not cache.
    get description() {
        return globalRegistry.get(this)?.description;
    },
    // No setter: `schema._def = x` throws, as it did when `_def` was a non-writable own property.
    get _def() {
        return this._zod.def;
    },
});
/** @internal */
const _ZodString = /*@__PURE__*/ $constructor("_ZodString", (inst, def) => {
    $ZodString.init(inst, def);
    ZodType.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => stringProcessor(inst, ctx, json, params);
}, 
/*@__PURE__*/ derived({
    format: (inst) => aggregateChecks(inst).format ?? null,
    minLength: (inst) => aggregateChecks(inst).minimum ?? null,
    maxLength: (inst) => aggregateChecks(inst).maximum ?? null,
}, {
    regex(...args) {
        return this.check(_regex(...args));
    },
    includes(...args) {
        return this.check(_includes(...args));
    },
    startsWith(...args) {
        return this.check(_startsWith(...args));
    },
    endsWith(...args) {
        return this.check(_endsWith(...args));
    },
    min(...args) {
        return this.check(_minLength(...args));
    },
    max(...args) {
        return this.check(_maxLength(...args));
    },
    length(...args) {
        return this.check(_length(...args));
    },
    nonempty(...args) {
        return this.check(_minLength(1, ...args));
    },
    lowercase(params) {
        return this.check(_lowercase(params));
    },
    uppercase(params) {
        return this.check(_uppercase(params));
    },
    trim() {
        return this.check(_trim());
    },
    normalize(...args) {
        return this.check(_normalize(...args));
    },
    toLowerCase() {
        return this.check(_toLowerCase());
    },
    toUpperCase() {
        return this.check(_toUpperCase());
    },
    slugify() {
        return this.check(_slugify());
    },
}));
const ZodString = /*@__PURE__*/ $constructor("ZodString", (inst, def) => {
    $ZodString.init(inst, def);
    _ZodString.init(inst, def);
}, {
    email(params) {
        return this.check(_email(ZodEmail, params));
    },
    url(params) {
        return this.check(_url(ZodURL, params));
    },
    jwt(params) {
        return this.check(_jwt(ZodJWT, params));
    },
    emoji(params) {
        return this.check(api_emoji(ZodEmoji, params));
    },
    guid(params) {
        return this.check(_guid(ZodGUID, params));
    },
    uuid(params) {
        return this.check(_uuid(ZodUUID, params));
    },
    uuidv4(params) {
        return this.check(_uuidv4(ZodUUID, params));
    },
    uuidv6(params) {
        return this.check(_uuidv6(ZodUUID, params));
    },
    uuidv7(params) {
        return this.check(_uuidv7(ZodUUID, params));
    },
    nanoid(params) {
        return this.check(_nanoid(ZodNanoID, params));
    },
    cuid(params) {
        return this.check(_cuid(ZodCUID, params));
    },
    cuid2(params) {
        return this.check(_cuid2(ZodCUID2, params));
    },
    ulid(params) {
        return this.check(_ulid(ZodULID, params));
    },
    base64(params) {
        return this.check(_base64(ZodBase64, params));
    },
    base64url(params) {
        return this.check(_base64url(ZodBase64URL, params));
    },
    xid(params) {
        return this.check(_xid(ZodXID, params));
    },
    ksuid(params) {
        return this.check(_ksuid(ZodKSUID, params));
    },
    ipv4(params) {
        return this.check(_ipv4(ZodIPv4, params));
    },
    ipv6(params) {
        return this.check(_ipv6(ZodIPv6, params));
    },
    cidrv4(params) {
        return this.check(_cidrv4(ZodCIDRv4, params));
    },
    cidrv6(params) {
        return this.check(_cidrv6(ZodCIDRv6, params));
    },
    e164(params) {
        return this.check(_e164(ZodE164, params));
    },
    datetime(params) {
        return this.check(_isoDateTime(ZodISODateTime, params));
    },
    date(params) {
        return this.check(_isoDate(ZodISODate, params));
    },
    time(params) {
        return this.check(_isoTime(ZodISOTime, params));
    },
    duration(params) {
        return this.check(_isoDuration(ZodISODuration, params));
    },
});
function schemas_string(params) {
    return _string(ZodString, params);
}
const ZodStringFormat = /*@__PURE__*/ $constructor("ZodStringFormat", (inst, def) => {
    $ZodStringFormat.init(inst, def);
    _ZodString.init(inst, def);
});
const ZodISODateTime = /*@__PURE__*/ $constructor("ZodISODateTime", (inst, def) => {
    $ZodISODateTime.init(inst, def);
    ZodStringFormat.init(inst, def);
});
const ZodISODate = /*@__PURE__*/ $constructor("ZodISODate", (inst, def) => {
    $ZodISODate.init(inst, def);
    ZodStringFormat.init(inst, def);
});
const ZodISOTime = /*@__PURE__*/ $constructor("ZodISOTime", (inst, def) => {
    $ZodISOTime.init(inst, def);
    ZodStringFormat.init(inst, def);
});
const ZodISODuration = /*@__PURE__*/ $constructor("ZodISODuration", (inst, def) => {
    $ZodISODuration.init(inst, def);
    ZodStringFormat.init(inst, def);
});
const ZodEmail = /*@__PURE__*/ $constructor("ZodEmail", (inst, def) => {
    // ZodStringFormat.init(inst, def);
    $ZodEmail.init(inst, def);
    ZodStringFormat.init(inst, def);
});
function schemas_email(params) {
    return core._email(ZodEmail, params);
}
const ZodGUID = /*@__PURE__*/ $constructor("ZodGUID", (inst, def) => {
    // ZodStringFormat.init(inst, def);
    $ZodGUID.init(inst, def);
    ZodStringFormat.init(inst, def);
});
function schemas_guid(params) {
    return core._guid(ZodGUID, params);
}
const ZodUUID = /*@__PURE__*/ $constructor("ZodUUID", (inst, def) => {
    // ZodStringFormat.init(inst, def);
    $ZodUUID.init(inst, def);
    ZodStringFormat.init(inst, def);
});
function schemas_uuid(params) {
    return core._uuid(ZodUUID, params);
}
function uuidv4(params) {
    return core._uuidv4(ZodUUID, params);
}
// ZodUUIDv6
function uuidv6(params) {
    return core._uuidv6(ZodUUID, params);
}
// ZodUUIDv7
function uuidv7(params) {
    return core._uuidv7(ZodUUID, params);
}
const ZodURL = /*@__PURE__*/ $constructor("ZodURL", (inst, def) => {
    // ZodStringFormat.init(inst, def);
    $ZodURL.init(inst, def);
    ZodStringFormat.init(inst, def);
});
function url(params) {
    return core._url(ZodURL, params);
}
function httpUrl(params) {
    return core._url(ZodURL, {
        protocol: regexes.httpProtocol,
        hostname: regexes.domain,
        ...util.normalizeParams(params),
    });
}
const ZodEmoji = /*@__PURE__*/ $constructor("ZodEmoji", (inst, def) => {
    // ZodStringFormat.init(inst, def);
    $ZodEmoji.init(inst, def);
    ZodStringFormat.init(inst, def);
});
function schemas_emoji(params) {
    return core._emoji(ZodEmoji, params);
}
const ZodNanoID = /*@__PURE__*/ $constructor("ZodNanoID", (inst, def) => {
    // ZodStringFormat.init(inst, def);
    $ZodNanoID.init(inst, def);
    ZodStringFormat.init(inst, def);
});
function schemas_nanoid(params) {
    return core._nanoid(ZodNanoID, params);
}
/**
 * @deprecated CUID v1 is deprecated by its authors due to information leakage
 * (timestamps embedded in the id). Use {@link ZodCUID2} instead.
 * See https://github.com/paralleldrive/cuid.
 */
const ZodCUID = /*@__PURE__*/ $constructor("ZodCUID", (inst, def) => {
    // ZodStringFormat.init(inst, def);
    $ZodCUID.init(inst, def);
    ZodStringFormat.init(inst, def);
});
/**
 * Validates a CUID v1 string.
 *
 * @deprecated CUID v1 is deprecated by its authors due to information leakage
 * (timestamps embedded in the id). Use {@link cuid2 | `z.cuid2()`} instead.
 * See https://github.com/paralleldrive/cuid.
 */
function schemas_cuid(params) {
    return core._cuid(ZodCUID, params);
}
const ZodCUID2 = /*@__PURE__*/ $constructor("ZodCUID2", (inst, def) => {
    // ZodStringFormat.init(inst, def);
    $ZodCUID2.init(inst, def);
    ZodStringFormat.init(inst, def);
});
function schemas_cuid2(params) {
    return core._cuid2(ZodCUID2, params);
}
const ZodULID = /*@__PURE__*/ $constructor("ZodULID", (inst, def) => {
    // ZodStringFormat.init(inst, def);
    $ZodULID.init(inst, def);
    ZodStringFormat.init(inst, def);
});
function schemas_ulid(params) {
    return core._ulid(ZodULID, params);
}
const ZodXID = /*@__PURE__*/ $constructor("ZodXID", (inst, def) => {
    // ZodStringFormat.init(inst, def);
    $ZodXID.init(inst, def);
    ZodStringFormat.init(inst, def);
});
function schemas_xid(params) {
    return core._xid(ZodXID, params);
}
const ZodKSUID = /*@__PURE__*/ $constructor("ZodKSUID", (inst, def) => {
    // ZodStringFormat.init(inst, def);
    $ZodKSUID.init(inst, def);
    ZodStringFormat.init(inst, def);
});
function schemas_ksuid(params) {
    return core._ksuid(ZodKSUID, params);
}
const ZodIPv4 = /*@__PURE__*/ $constructor("ZodIPv4", (inst, def) => {
    // ZodStringFormat.init(inst, def);
    $ZodIPv4.init(inst, def);
    ZodStringFormat.init(inst, def);
});
function schemas_ipv4(params) {
    return core._ipv4(ZodIPv4, params);
}
const ZodMAC = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("ZodMAC", (inst, def) => {
    // ZodStringFormat.init(inst, def);
    core.$ZodMAC.init(inst, def);
    ZodStringFormat.init(inst, def);
})));
function schemas_mac(params) {
    return core._mac(ZodMAC, params);
}
const ZodIPv6 = /*@__PURE__*/ $constructor("ZodIPv6", (inst, def) => {
    // ZodStringFormat.init(inst, def);
    $ZodIPv6.init(inst, def);
    ZodStringFormat.init(inst, def);
});
function schemas_ipv6(params) {
    return core._ipv6(ZodIPv6, params);
}
const ZodCIDRv4 = /*@__PURE__*/ $constructor("ZodCIDRv4", (inst, def) => {
    $ZodCIDRv4.init(inst, def);
    ZodStringFormat.init(inst, def);
});
function schemas_cidrv4(params) {
    return core._cidrv4(ZodCIDRv4, params);
}
const ZodCIDRv6 = /*@__PURE__*/ $constructor("ZodCIDRv6", (inst, def) => {
    $ZodCIDRv6.init(inst, def);
    ZodStringFormat.init(inst, def);
});
function schemas_cidrv6(params) {
    return core._cidrv6(ZodCIDRv6, params);
}
const ZodBase64 = /*@__PURE__*/ $constructor("ZodBase64", (inst, def) => {
    // ZodStringFormat.init(inst, def);
    $ZodBase64.init(inst, def);
    ZodStringFormat.init(inst, def);
});
function schemas_base64(params) {
    return core._base64(ZodBase64, params);
}
const ZodBase64URL = /*@__PURE__*/ $constructor("ZodBase64URL", (inst, def) => {
    // ZodStringFormat.init(inst, def);
    $ZodBase64URL.init(inst, def);
    ZodStringFormat.init(inst, def);
});
function schemas_base64url(params) {
    return core._base64url(ZodBase64URL, params);
}
const ZodE164 = /*@__PURE__*/ $constructor("ZodE164", (inst, def) => {
    // ZodStringFormat.init(inst, def);
    $ZodE164.init(inst, def);
    ZodStringFormat.init(inst, def);
});
function schemas_e164(params) {
    return core._e164(ZodE164, params);
}
const ZodCreditCard = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("ZodCreditCard", (inst, def) => {
    core.$ZodCreditCard.init(inst, def);
    ZodStringFormat.init(inst, def);
})));
function schemas_creditCard(params) {
    return core._creditCard(ZodCreditCard, params);
}
const ZodIBAN = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("ZodIBAN", (inst, def) => {
    core.$ZodIBAN.init(inst, def);
    ZodStringFormat.init(inst, def);
})));
function schemas_iban(params) {
    return core._iban(ZodIBAN, params);
}
const ZodJWT = /*@__PURE__*/ $constructor("ZodJWT", (inst, def) => {
    // ZodStringFormat.init(inst, def);
    $ZodJWT.init(inst, def);
    ZodStringFormat.init(inst, def);
});
function jwt(params) {
    return core._jwt(ZodJWT, params);
}
const ZodCustomStringFormat = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("ZodCustomStringFormat", (inst, def) => {
    // ZodStringFormat.init(inst, def);
    core.$ZodCustomStringFormat.init(inst, def);
    ZodStringFormat.init(inst, def);
})));
function stringFormat(format, fnOrRegex, _params = {}) {
    return core._stringFormat(ZodCustomStringFormat, format, fnOrRegex, _params);
}
function schemas_hostname(_params) {
    return core._stringFormat(ZodCustomStringFormat, "hostname", regexes.hostname, _params);
}
function schemas_hex(_params) {
    return core._stringFormat(ZodCustomStringFormat, "hex", regexes.hex, _params);
}
function schemas_currencyCode(_params) {
    return core._stringFormat(ZodCustomStringFormat, "currency_code", regexes.currencyCode, _params);
}
function hash(alg, params) {
    const enc = params?.enc ?? "hex";
    const format = `${alg}_${enc}`;
    const regex = core.regexes[format];
    if (!regex)
        throw new Error(`Unrecognized hash format: ${format}`);
    return core._stringFormat(ZodCustomStringFormat, format, regex, params);
}
const ZodNumber = /*@__PURE__*/ $constructor("ZodNumber", (inst, def) => {
    $ZodNumber.init(inst, def);
    ZodType.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => numberProcessor(inst, ctx, json, params);
    inst.isFinite = true;
}, 
/*@__PURE__*/ derived({
    minValue: (inst) => {
        const { minimum, exclusiveMinimum } = aggregateChecks(inst);
        return Math.max(minimum ?? Number.NEGATIVE_INFINITY, exclusiveMinimum ?? Number.NEGATIVE_INFINITY);
    },
    maxValue: (inst) => {
        const { maximum, exclusiveMaximum } = aggregateChecks(inst);
        return Math.min(maximum ?? Number.POSITIVE_INFINITY, exclusiveMaximum ?? Number.POSITIVE_INFINITY);
    },
    isInt: (inst) => {
        const { isInt, multipleOf } = aggregateChecks(inst);
        return !!isInt || !!multipleOf?.some(Number.isSafeInteger);
    },
    format: (inst) => aggregateChecks(inst).format ?? null,
}, {
    gt(value, params) {
        return this.check(_gt(value, params));
    },
    gte(value, params) {
        return this.check(_gte(value, params));
    },
    min(value, params) {
        return this.check(_gte(value, params));
    },
    lt(value, params) {
        return this.check(_lt(value, params));
    },
    lte(value, params) {
        return this.check(_lte(value, params));
    },
    max(value, params) {
        return this.check(_lte(value, params));
    },
    int(params) {
        return this.check(schemas_int(params));
    },
    safe(params) {
        return this.check(schemas_int(params));
    },
    positive(params) {
        return this.check(_gt(0, params));
    },
    nonnegative(params) {
        return this.check(_gte(0, params));
    },
    negative(params) {
        return this.check(_lt(0, params));
    },
    nonpositive(params) {
        return this.check(_lte(0, params));
    },
    multipleOf(value, params) {
        return this.check(_multipleOf(value, params));
    },
    step(value, params) {
        return this.check(_multipleOf(value, params));
    },
    finite() {
        return this;
    },
}));
function schemas_number(params) {
    return core._number(ZodNumber, params);
}
const ZodNumberFormat = /*@__PURE__*/ $constructor("ZodNumberFormat", (inst, def) => {
    $ZodNumberFormat.init(inst, def);
    ZodNumber.init(inst, def);
});
function schemas_int(params) {
    return _int(ZodNumberFormat, params);
}
function float32(params) {
    return core._float32(ZodNumberFormat, params);
}
function float64(params) {
    return core._float64(ZodNumberFormat, params);
}
function int32(params) {
    return core._int32(ZodNumberFormat, params);
}
function uint32(params) {
    return core._uint32(ZodNumberFormat, params);
}
const ZodBoolean = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("ZodBoolean", (inst, def) => {
    core.$ZodBoolean.init(inst, def);
    ZodType.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => processors.booleanProcessor(inst, ctx, json, params);
})));
function schemas_boolean(params) {
    return core._boolean(ZodBoolean, params);
}
const ZodBigInt = /*@__PURE__*/ $constructor("ZodBigInt", (inst, def) => {
    $ZodBigInt.init(inst, def);
    ZodType.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => bigintProcessor(inst, ctx, json, params);
}, 
/*@__PURE__*/ derived({
    minValue: (inst) => aggregateChecks(inst).minimum ?? null,
    maxValue: (inst) => aggregateChecks(inst).maximum ?? null,
    format: (inst) => aggregateChecks(inst).format ?? null,
}, {
    gte(value, params) {
        return this.check(_gte(value, params));
    },
    min(value, params) {
        return this.check(_gte(value, params));
    },
    gt(value, params) {
        return this.check(_gt(value, params));
    },
    lt(value, params) {
        return this.check(_lt(value, params));
    },
    lte(value, params) {
        return this.check(_lte(value, params));
    },
    max(value, params) {
        return this.check(_lte(value, params));
    },
    positive(params) {
        return this.check(_gt(BigInt(0), params));
    },
    negative(params) {
        return this.check(_lt(BigInt(0), params));
    },
    nonpositive(params) {
        return this.check(_lte(BigInt(0), params));
    },
    nonnegative(params) {
        return this.check(_gte(BigInt(0), params));
    },
    multipleOf(value, params) {
        return this.check(_multipleOf(value, params));
    },
}));
function schemas_bigint(params) {
    return core._bigint(ZodBigInt, params);
}
const ZodBigIntFormat = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("ZodBigIntFormat", (inst, def) => {
    core.$ZodBigIntFormat.init(inst, def);
    ZodBigInt.init(inst, def);
})));
function int64(params) {
    return core._int64(ZodBigIntFormat, params);
}
function uint64(params) {
    return core._uint64(ZodBigIntFormat, params);
}
const ZodSymbol = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("ZodSymbol", (inst, def) => {
    core.$ZodSymbol.init(inst, def);
    ZodType.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => processors.symbolProcessor(inst, ctx, json, params);
})));
function symbol(params) {
    return core._symbol(ZodSymbol, params);
}
const ZodUndefined = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("ZodUndefined", (inst, def) => {
    core.$ZodUndefined.init(inst, def);
    ZodType.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => processors.undefinedProcessor(inst, ctx, json, params);
})));
function schemas_undefined(params) {
    return core._undefined(ZodUndefined, params);
}

const ZodNull = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("ZodNull", (inst, def) => {
    core.$ZodNull.init(inst, def);
    ZodType.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => processors.nullProcessor(inst, ctx, json, params);
})));
function schemas_null(params) {
    return core._null(ZodNull, params);
}

const ZodAny = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("ZodAny", (inst, def) => {
    core.$ZodAny.init(inst, def);
    ZodType.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => processors.anyProcessor(inst, ctx, json, params);
})));
function any() {
    return core._any(ZodAny);
}
const ZodUnknown = /*@__PURE__*/ $constructor("ZodUnknown", (inst, def) => {
    $ZodUnknown.init(inst, def);
    ZodType.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => unknownProcessor(inst, ctx, json, params);
});
function unknown() {
    return _unknown(ZodUnknown);
}
const ZodNever = /*@__PURE__*/ $constructor("ZodNever", (inst, def) => {
    $ZodNever.init(inst, def);
    ZodType.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => neverProcessor(inst, ctx, json, params);
});
function never(params) {
    return _never(ZodNever, params);
}
const ZodVoid = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("ZodVoid", (inst, def) => {
    core.$ZodVoid.init(inst, def);
    ZodType.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => processors.voidProcessor(inst, ctx, json, params);
})));
function schemas_void(params) {
    return core._void(ZodVoid, params);
}

const ZodDate = /*@__PURE__*/ $constructor("ZodDate", (inst, def) => {
    $ZodDate.init(inst, def);
    ZodType.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => dateProcessor(inst, ctx, json, params);
    inst.min = (value, params) => inst.check(_gte(value, params));
    inst.max = (value, params) => inst.check(_lte(value, params));
}, 
/*@__PURE__*/ derived({
    minDate: (inst) => {
        const { minimum } = aggregateChecks(inst);
        return minimum ? new Date(minimum) : null;
    },
    maxDate: (inst) => {
        const { maximum } = aggregateChecks(inst);
        return maximum ? new Date(maximum) : null;
    },
}, {}));
function schemas_date(params) {
    return core._date(ZodDate, params);
}
const ZodArray = /*@__PURE__*/ $constructor("ZodArray", (inst, def) => {
    _ensureDefaultMemoizer();
    $ZodArray.init(inst, def);
    ZodType.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => arrayProcessor(inst, ctx, json, params);
    inst.element = def.element;
}, {
    min(n, params) {
        return this.check(_minLength(n, params));
    },
    nonempty(params) {
        return this.check(_minLength(1, params));
    },
    max(n, params) {
        return this.check(_maxLength(n, params));
    },
    length(n, params) {
        return this.check(_length(n, params));
    },
    unwrap() {
        return this.element;
    },
});
function array(element, params) {
    return _array(ZodArray, element, params);
}
// .keyof
function keyof(schema) {
    const shape = schema._zod.def.shape;
    return schemas_enum(Object.keys(shape));
}
const ZodObject = /*@__PURE__*/ $constructor("ZodObject", (inst, def) => {
    _ensureDefaultMemoizer();
    $ZodObjectJIT.init(inst, def);
    ZodType.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => objectProcessor(inst, ctx, json, params);
    installLazyProp(inst, "shape", (self) => self._zod.def.shape, false);
}, {
    keyof() {
        return schemas_enum(Object.keys(this._zod.def.shape));
    },
    catchall(catchall) {
        // `mergeDefs` rather than a spread: spreading reads `shape`, and resolving it can mint a whole fresh subtree
        return this.clone(mergeDefs(this._zod.def, { catchall: catchall }));
    },
    passthrough() {
        return this.clone(mergeDefs(this._zod.def, { catchall: unknown() }));
    },
    loose() {
        return this.clone(mergeDefs(this._zod.def, { catchall: unknown() }));
    },
    strict() {
        return this.clone(mergeDefs(this._zod.def, { catchall: never() }));
    },
    strip() {
        return this.clone(mergeDefs(this._zod.def, { catchall: undefined }));
    },
    extend(incoming) {
        return extend(this, incoming);
    },
    safeExtend(incoming) {
        return safeExtend(this, incoming);
    },
    merge(other) {
        return merge(this, other);
    },
    pick(mask) {
        return pick(this, mask);
    },
    omit(mask) {
        return omit(this, mask);
    },
    partial(...args) {
        return partial(ZodOptional, this, args[0]);
    },
    exactPartial(...args) {
        return partial(ZodExactOptional, this, args[0], "exactPartial");
    },
    required(...args) {
        return required(ZodNonOptional, this, args[0]);
    },
});
function object(shape, params) {
    const def = {
        type: "object",
        shape: shape ?? {},
        ...normalizeParams(params),
    };
    return new ZodObject(def);
}
// strictObject
function strictObject(shape, params) {
    return new ZodObject({
        type: "object",
        shape,
        catchall: never(),
        ...util.normalizeParams(params),
    });
}
// looseObject
function looseObject(shape, params) {
    return new ZodObject({
        type: "object",
        shape,
        catchall: unknown(),
        ...util.normalizeParams(params),
    });
}
const ZodUnion = /*@__PURE__*/ $constructor("ZodUnion", (inst, def) => {
    $ZodUnion.init(inst, def);
    ZodType.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => unionProcessor(inst, ctx, json, params);
    inst.options = def.options;
});
function union(options, params) {
    return new ZodUnion({
        type: "union",
        options: options,
        ...normalizeParams(params),
    });
}
const ZodXor = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("ZodXor", (inst, def) => {
    ZodUnion.init(inst, def);
    core.$ZodXor.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => processors.unionProcessor(inst, ctx, json, params);
    inst.options = def.options;
})));
/** Creates an exclusive union (XOR) where exactly one option must match.
 * Unlike regular unions that succeed when any option matches, xor fails if
 * zero or more than one option matches the input. */
function xor(options, params) {
    return new ZodXor({
        type: "union",
        options: options,
        inclusive: false,
        ...util.normalizeParams(params),
    });
}
const ZodDiscriminatedUnion = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("ZodDiscriminatedUnion", (inst, def) => {
    ZodUnion.init(inst, def);
    core.$ZodDiscriminatedUnion.init(inst, def);
})));
function discriminatedUnion(discriminator, options, params) {
    // const [options, params] = args;
    return new ZodDiscriminatedUnion({
        type: "union",
        options: options,
        discriminator,
        ...util.normalizeParams(params),
    });
}
const ZodIntersection = /*@__PURE__*/ $constructor("ZodIntersection", (inst, def) => {
    $ZodIntersection.init(inst, def);
    ZodType.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => intersectionProcessor(inst, ctx, json, params);
});
function intersection(left, right) {
    return new ZodIntersection({
        type: "intersection",
        left: left,
        right: right,
    });
}
const ZodTuple = /*@__PURE__*/ $constructor("ZodTuple", (inst, def) => {
    _ensureDefaultMemoizer();
    $ZodTuple.init(inst, def);
    ZodType.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => tupleProcessor(inst, ctx, json, params);
}, {
    rest(rest) {
        return this.clone({
            ...this._zod.def,
            rest: rest,
        });
    },
    partial() {
        const def = this._zod.def;
        // a refinement was authored against the full arity; partialing would run it on a shorter array
        if (def.checks?.length)
            throw new Error(".partial() cannot be used on tuple schemas containing refinements");
        return this.clone({
            ...def,
            items: def.items.map((item) => new ZodOptional({ type: "optional", innerType: item })),
        });
    },
});
function tuple(items, _paramsOrRest, _params) {
    const hasRest = _paramsOrRest instanceof core.$ZodType;
    const params = hasRest ? _params : _paramsOrRest;
    const rest = hasRest ? _paramsOrRest : null;
    return new ZodTuple({
        type: "tuple",
        items: items,
        rest,
        ...util.normalizeParams(params),
    });
}
const ZodRecord = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("ZodRecord", (inst, def) => {
    _ensureDefaultMemoizer();
    core.$ZodRecord.init(inst, def);
    ZodType.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => processors.recordProcessor(inst, ctx, json, params);
    inst.keyType = def.keyType;
    inst.valueType = def.valueType;
})));
function record(keyType, valueType, params) {
    // v3-compat: z.record(valueType, params?) — defaults keyType to z.string()
    if (!valueType || !valueType._zod) {
        return new ZodRecord({
            type: "record",
            keyType: schemas_string(),
            valueType: keyType,
            ...util.normalizeParams(valueType),
        });
    }
    return new ZodRecord({
        type: "record",
        keyType,
        valueType: valueType,
        ...util.normalizeParams(params),
    });
}
// type alksjf = core.output<core.$ZodRecordKey>;
function partialRecord(keyType, valueType, params) {
    return new ZodRecord({
        type: "record",
        keyType,
        valueType: valueType,
        ...util.normalizeParams(params),
        partial: true,
    });
}
function looseRecord(keyType, valueType, params) {
    return new ZodRecord({
        type: "record",
        keyType,
        valueType: valueType,
        mode: "loose",
        ...util.normalizeParams(params),
    });
}
const ZodMap = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("ZodMap", (inst, def) => {
    _ensureDefaultMemoizer();
    core.$ZodMap.init(inst, def);
    ZodType.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => processors.mapProcessor(inst, ctx, json, params);
    inst.keyType = def.keyType;
    inst.valueType = def.valueType;
    inst.min = (...args) => inst.check(core._minSize(...args));
    inst.nonempty = (params) => inst.check(core._minSize(1, params));
    inst.max = (...args) => inst.check(core._maxSize(...args));
    inst.size = (...args) => inst.check(core._size(...args));
})));
function map(keyType, valueType, params) {
    return new ZodMap({
        type: "map",
        keyType: keyType,
        valueType: valueType,
        ...util.normalizeParams(params),
    });
}
const ZodSet = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("ZodSet", (inst, def) => {
    _ensureDefaultMemoizer();
    core.$ZodSet.init(inst, def);
    ZodType.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => processors.setProcessor(inst, ctx, json, params);
    inst.min = (...args) => inst.check(core._minSize(...args));
    inst.nonempty = (params) => inst.check(core._minSize(1, params));
    inst.max = (...args) => inst.check(core._maxSize(...args));
    inst.size = (...args) => inst.check(core._size(...args));
})));
function set(valueType, params) {
    return new ZodSet({
        type: "set",
        valueType: valueType,
        ...util.normalizeParams(params),
    });
}
const ZodEnum = /*@__PURE__*/ $constructor("ZodEnum", (inst, def) => {
    $ZodEnum.init(inst, def);
    ZodType.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => enumProcessor(inst, ctx, json, params);
    inst.enum = def.entries;
    // reuse the parsed value set so a numeric TS enum's reverse-mapping keys stay out
    inst.options = [...inst._zod.values];
    const keys = new Set(Object.keys(def.entries));
    inst.extract = (values, params) => {
        const newEntries = {};
        for (const value of values) {
            if (keys.has(value)) {
                newEntries[value] = def.entries[value];
            }
            else
                throw new Error(`Key ${value} not found in enum`);
        }
        return new ZodEnum({
            ...def,
            checks: [],
            ...normalizeParams(params),
            entries: newEntries,
        });
    };
    inst.exclude = (values, params) => {
        const newEntries = { ...def.entries };
        for (const value of values) {
            if (keys.has(value)) {
                delete newEntries[value];
            }
            else
                throw new Error(`Key ${value} not found in enum`);
        }
        return new ZodEnum({
            ...def,
            checks: [],
            ...normalizeParams(params),
            entries: newEntries,
        });
    };
});
function schemas_enum(values, params) {
    const entries = Array.isArray(values) ? Object.fromEntries(values.map((v) => [v, v])) : values;
    return new ZodEnum({
        type: "enum",
        entries,
        ...normalizeParams(params),
    });
}

/** @deprecated This API has been merged into `z.enum()`. Use `z.enum()` instead.
 *
 * ```ts
 * enum Colors { red, green, blue }
 * z.enum(Colors);
 * ```
 */
function nativeEnum(entries, params) {
    return new ZodEnum({
        type: "enum",
        entries,
        ...util.normalizeParams(params),
    });
}
const ZodLiteral = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("ZodLiteral", (inst, def) => {
    core.$ZodLiteral.init(inst, def);
    ZodType.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => processors.literalProcessor(inst, ctx, json, params);
    inst.values = new Set(def.values);
    Object.defineProperty(inst, "value", {
        get() {
            if (def.values.length > 1) {
                throw new Error("This schema contains multiple valid literal values. Use `.values` instead.");
            }
            return def.values[0];
        },
    });
})));
function literal(value, params) {
    return new ZodLiteral({
        type: "literal",
        values: Array.isArray(value) ? value : [value],
        ...util.normalizeParams(params),
    });
}
const ZodFile = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("ZodFile", (inst, def) => {
    core.$ZodFile.init(inst, def);
    ZodType.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => processors.fileProcessor(inst, ctx, json, params);
    inst.min = (size, params) => inst.check(core._minSize(size, params));
    inst.max = (size, params) => inst.check(core._maxSize(size, params));
    inst.mime = (types, params) => inst.check(core._mime(Array.isArray(types) ? types : [types], params));
})));
function file(params) {
    return core._file(ZodFile, params);
}
const ZodTransform = /*@__PURE__*/ $constructor("ZodTransform", (inst, def) => {
    _ensureDefaultMemoizer();
    $ZodTransform.init(inst, def);
    ZodType.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => transformProcessor(inst, ctx, json, params);
    inst._zod.parse = (payload, _ctx) => {
        if (_ctx.direction === "backward") {
            throw new $ZodEncodeError(inst.constructor.name);
        }
        payload.addIssue = (issue) => {
            if (typeof issue === "string") {
                payload.issues.push(util_issue(issue, payload.value, def));
            }
            else {
                // for Zod 3 backwards compatibility
                const _issue = issue;
                if (_issue.fatal)
                    _issue.continue = false;
                _issue.code ?? (_issue.code = "custom");
                if (!("input" in _issue))
                    _issue.input = payload.value;
                _issue.inst ?? (_issue.inst = inst);
                // _issue.continue ??= true;
                payload.issues.push(util_issue(_issue));
            }
        };
        const output = def.transform(payload.value, payload);
        if (output instanceof Promise) {
            return output.then((output) => {
                payload.value = output;
                return payload;
            });
        }
        payload.value = output;
        return payload;
    };
});
function transform(fn) {
    return new ZodTransform({
        type: "transform",
        transform: fn,
    });
}
const ZodOptional = /*@__PURE__*/ $constructor("ZodOptional", (inst, def) => {
    $ZodOptional.init(inst, def);
    ZodType.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => optionalProcessor(inst, ctx, json, params);
    inst.unwrap = () => inst._zod.def.innerType;
});
function optional(innerType) {
    return new ZodOptional({
        type: "optional",
        innerType: innerType,
    });
}
const ZodExactOptional = /*@__PURE__*/ $constructor("ZodExactOptional", (inst, def) => {
    $ZodExactOptional.init(inst, def);
    ZodType.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => optionalProcessor(inst, ctx, json, params);
    inst.unwrap = () => inst._zod.def.innerType;
});
function exactOptional(innerType) {
    return new ZodExactOptional({
        type: "optional",
        innerType: innerType,
    });
}
const ZodNullable = /*@__PURE__*/ $constructor("ZodNullable", (inst, def) => {
    $ZodNullable.init(inst, def);
    ZodType.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => nullableProcessor(inst, ctx, json, params);
    inst.unwrap = () => inst._zod.def.innerType;
});
function nullable(innerType) {
    return new ZodNullable({
        type: "nullable",
        innerType: innerType,
    });
}
// nullish
function schemas_nullish(innerType) {
    return optional(nullable(innerType));
}
const ZodDefault = /*@__PURE__*/ $constructor("ZodDefault", (inst, def) => {
    $ZodDefault.init(inst, def);
    ZodType.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => defaultProcessor(inst, ctx, json, params);
    inst.unwrap = () => inst._zod.def.innerType;
    inst.removeDefault = inst.unwrap;
});
function schemas_default(innerType, defaultValue) {
    return new ZodDefault({
        type: "default",
        innerType: innerType,
        get defaultValue() {
            return typeof defaultValue === "function" ? defaultValue() : shallowClone(defaultValue);
        },
    });
}
const ZodPrefault = /*@__PURE__*/ $constructor("ZodPrefault", (inst, def) => {
    $ZodPrefault.init(inst, def);
    ZodType.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => prefaultProcessor(inst, ctx, json, params);
    inst.unwrap = () => inst._zod.def.innerType;
});
function prefault(innerType, defaultValue) {
    return new ZodPrefault({
        type: "prefault",
        innerType: innerType,
        get defaultValue() {
            return typeof defaultValue === "function" ? defaultValue() : shallowClone(defaultValue);
        },
    });
}
const ZodNonOptional = /*@__PURE__*/ $constructor("ZodNonOptional", (inst, def) => {
    $ZodNonOptional.init(inst, def);
    ZodType.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => nonoptionalProcessor(inst, ctx, json, params);
    inst.unwrap = () => inst._zod.def.innerType;
});
function nonoptional(innerType, params) {
    return new ZodNonOptional({
        type: "nonoptional",
        innerType: innerType,
        ...normalizeParams(params),
    });
}
const ZodSuccess = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("ZodSuccess", (inst, def) => {
    core.$ZodSuccess.init(inst, def);
    ZodType.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => processors.successProcessor(inst, ctx, json, params);
    inst.unwrap = () => inst._zod.def.innerType;
})));
function success(innerType) {
    return new ZodSuccess({
        type: "success",
        innerType: innerType,
    });
}
const ZodCatch = /*@__PURE__*/ $constructor("ZodCatch", (inst, def) => {
    $ZodCatch.init(inst, def);
    ZodType.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => catchProcessor(inst, ctx, json, params);
    inst.unwrap = () => inst._zod.def.innerType;
    inst.removeCatch = inst.unwrap;
});
function schemas_catch(innerType, catchValue) {
    return new ZodCatch({
        type: "catch",
        innerType: innerType,
        catchValue: (typeof catchValue === "function" ? catchValue : constantCatch(catchValue)),
    });
}

const ZodNaN = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("ZodNaN", (inst, def) => {
    core.$ZodNaN.init(inst, def);
    ZodType.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => processors.nanProcessor(inst, ctx, json, params);
})));
function nan(params) {
    return core._nan(ZodNaN, params);
}
const ZodPipe = /*@__PURE__*/ $constructor("ZodPipe", (inst, def) => {
    $ZodPipe.init(inst, def);
    ZodType.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => pipeProcessor(inst, ctx, json, params);
    inst.in = def.in;
    inst.out = def.out;
});
function pipe(in_, out) {
    return new ZodPipe({
        type: "pipe",
        in: in_,
        out: out,
        // ...util.normalizeParams(params),
    });
}
const ZodCodec = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("ZodCodec", (inst, def) => {
    ZodPipe.init(inst, def);
    core.$ZodCodec.init(inst, def);
})));
function codec(in_, out, params) {
    return new ZodCodec({
        type: "pipe",
        in: in_,
        out: out,
        transform: params.decode,
        reverseTransform: params.encode,
    });
}
function invertCodec(codec) {
    const def = codec._zod.def;
    return new ZodCodec({
        type: "pipe",
        in: def.out,
        out: def.in,
        transform: def.reverseTransform,
        reverseTransform: def.transform,
    });
}
const ZodPreprocess = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("ZodPreprocess", (inst, def) => {
    ZodPipe.init(inst, def);
    core.$ZodPreprocess.init(inst, def);
})));
const ZodReadonly = /*@__PURE__*/ $constructor("ZodReadonly", (inst, def) => {
    $ZodReadonly.init(inst, def);
    ZodType.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => readonlyProcessor(inst, ctx, json, params);
    inst.unwrap = () => inst._zod.def.innerType;
});
function readonly(innerType) {
    return new ZodReadonly({
        type: "readonly",
        innerType: innerType,
    });
}
const ZodTemplateLiteral = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("ZodTemplateLiteral", (inst, def) => {
    core.$ZodTemplateLiteral.init(inst, def);
    ZodType.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => processors.templateLiteralProcessor(inst, ctx, json, params);
})));
function templateLiteral(parts, params) {
    return new ZodTemplateLiteral({
        type: "template_literal",
        parts,
        ...util.normalizeParams(params),
    });
}
const ZodLazy = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("ZodLazy", (inst, def) => {
    core.$ZodLazy.init(inst, def);
    ZodType.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => processors.lazyProcessor(inst, ctx, json, params);
    inst.unwrap = () => inst._zod.def.getter();
})));
function lazy(getter) {
    return new ZodLazy({
        type: "lazy",
        getter: getter,
    });
}
const ZodPromise = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("ZodPromise", (inst, def) => {
    core.$ZodPromise.init(inst, def);
    ZodType.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => processors.promiseProcessor(inst, ctx, json, params);
    inst.unwrap = () => inst._zod.def.innerType;
})));
function promise(innerType) {
    return new ZodPromise({
        type: "promise",
        innerType: innerType,
    });
}
const ZodFunction = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("ZodFunction", (inst, def) => {
    core.$ZodFunction.init(inst, def);
    ZodType.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => processors.functionProcessor(inst, ctx, json, params);
})));
function _function(params) {
    return new ZodFunction({
        type: "function",
        input: Array.isArray(params?.input) ? tuple(params?.input) : (params?.input ?? array(unknown())),
        output: params?.output ?? unknown(),
    });
}

const ZodCustom = /*@__PURE__*/ $constructor("ZodCustom", (inst, def) => {
    $ZodCustom.init(inst, def);
    ZodType.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => customProcessor(inst, ctx, json, params);
});
// custom checks
function check(fn) {
    const ch = new core.$ZodCheck({
        check: "custom",
        // ...util.normalizeParams(params),
    });
    ch._zod.check = fn;
    return ch;
}
function custom(fn, _params) {
    return core._custom(ZodCustom, fn ?? (() => true), _params);
}
function refine(fn, _params = {}) {
    return _refine(ZodCustom, fn, _params);
}
// superRefine
function superRefine(fn, params) {
    return _superRefine(fn, params);
}
// Re-export describe and meta from core
const schemas_describe = describe;
const schemas_meta = meta;
const ZodInstanceOf = /*@__PURE__*/ $constructor("ZodInstanceOf", (inst, def) => {
    ZodCustom.init(inst, def);
}, {
    properties(shape, params) {
        // asserts in place, so the narrowed output type is truthful without a wrapper
        return this.check(_properties(shape, params));
    },
});
function _instanceof(cls, params = {}) {
    const inst = new ZodInstanceOf({
        type: "custom",
        check: "custom",
        fn: (data) => data instanceof cls,
        abort: true,
        ...util.normalizeParams(params),
    });
    inst._zod.bag.Class = cls;
    // Override check to emit invalid_type instead of custom
    inst._zod.check = (payload) => {
        if (!(payload.value instanceof cls)) {
            payload.issues.push({
                code: "invalid_type",
                expected: cls.name,
                input: payload.value,
                inst,
                path: [...(inst._zod.def.path ?? [])],
            });
        }
    };
    return inst;
}

// stringbool
const stringbool = (...args) => core._stringbool({
    Codec: ZodCodec,
    Boolean: ZodBoolean,
    String: ZodString,
}, ...args);
function json(params) {
    const jsonSchema = lazy(() => {
        return union([schemas_string(params), schemas_number(), schemas_boolean(), schemas_null(), array(jsonSchema), record(schemas_string(), jsonSchema)]);
    });
    return jsonSchema;
}
// preprocess
function preprocess(fn, schema) {
    return new ZodPreprocess({
        type: "pipe",
        in: transform(fn),
        out: schema,
    });
}

// EXTERNAL MODULE: ./src/core/errors.ts
var errors = __nccwpck_require__(4296);
;// CONCATENATED MODULE: ./src/core/build-secrets.ts
const SPEC_KEYS = new Set(["type", "id", "src", "source", "env"]);
const NAME = /^[A-Za-z_][A-Za-z0-9_.-]*$/;
/**
 * One entry of build-secrets. Errors say which entry and what is expected, and never show the
 * entry: a malformed line may be a secret pasted whole.
 */
function parseBuildSecret(entry, position) {
    const which = `entry ${String(position)}`;
    const fields = entry.split(",").map((field) => {
        const eq = field.indexOf("=");
        return { key: field.slice(0, eq).trim().toLowerCase(), value: field.slice(eq + 1), eq };
    });
    // Only spec keys: a spec (a secret named "src" or "env" would be read as one anyway).
    if (fields.every((f) => f.eq > 0 && SPEC_KEYS.has(f.key))) {
        const get = (key) => fields.findLast((f) => f.key === key)?.value;
        const type = get("type");
        if (type !== undefined && type !== "file" && type !== "env") {
            throw new Error(`${which} is a buildx secret spec with a type other than file or env`);
        }
        const id = get("id") ?? "";
        if (id === "")
            throw new Error(`${which} is a buildx secret spec without an id; expected id=NAME,src=PATH or id=NAME,env=VAR`);
        return { kind: "spec", id, spec: entry };
    }
    const eq = entry.indexOf("=");
    const name = entry.slice(0, eq);
    if (eq > 0 && NAME.test(name) && eq < entry.length - 1) {
        return { kind: "value", id: name, value: entry.slice(eq + 1) };
    }
    throw new Error(`${which} is not a secret; expected NAME=value (as build-push-action's secrets), id=NAME,src=PATH or id=NAME,env=VAR (the entry is not shown: it may hold a secret)`);
}
/** The file a NAME=value secret is written to, in the temporary docker config. */
function secretFileName(position) {
    return `build-secret-${String(position)}`;
}
/** The --secret flags: specs as given, values by their file. */
function secretArgs(secrets, outDir) {
    return secrets.flatMap((secret, i) => [
        "--secret",
        secret.kind === "spec" ? secret.spec : `id=${secret.id},src=${outDir}/${secretFileName(i + 1)}`,
    ]);
}
/** Writes each NAME=value secret to its private file (mode 0600, removed with the directory). */
async function writeBuildSecrets(secrets, temp) {
    for (const [i, secret] of secrets.entries()) {
        if (secret.kind === "value")
            await temp.writeFile(secretFileName(i + 1), secret.value);
    }
}
/**
 * Variables build secrets are read from (`env=NAME`, or an id alone, which buildx also looks
 * up in the environment): the docker CLI must keep them although children lose secrets.
 */
function buildSecretEnvNames(config) {
    const names = [];
    for (const secret of config.buildSecrets) {
        if (secret.kind !== "spec")
            continue;
        const fields = Object.fromEntries(secret.spec.split(",").map((f) => [f.split("=")[0]?.trim().toLowerCase() ?? "", f.slice(f.indexOf("=") + 1)]));
        // With type=env, src/source names the variable; without a source, buildx looks the id up.
        const source = fields.src ?? fields.source;
        const name = fields.env ?? (fields.type === "env" ? (source ?? fields.id) : source === undefined ? fields.id : undefined);
        if (name)
            names.push(name);
    }
    return names;
}

;// CONCATENATED MODULE: ./src/core/health-spec.ts
/** Parses health-status: "2xx", "200", "200-399", or a comma list of those. */
function parseStatuses(text) {
    return text.split(",").map((part) => {
        const p = part.trim().toLowerCase();
        const xx = /^([1-5])xx$/.exec(p);
        if (xx)
            return [Number(xx[1]) * 100, Number(xx[1]) * 100 + 99];
        const range = /^(\d{3})(?:-(\d{3}))?$/.exec(p);
        if (!range)
            throw new Error(`"${part.trim()}" is not a status; expected e.g. 2xx, 200, 200-399`);
        const from = Number(range[1]);
        const to = Number(range[2] ?? range[1]);
        if (from < 100 || to > 599 || to < from)
            throw new Error(`"${part.trim()}" is not a status range between 100 and 599`);
        return [from, to];
    });
}

;// CONCATENATED MODULE: ./src/core/image.ts
/**
 * Image references as Docker's distribution/reference grammar defines them, reduced to what
 * a deploy needs: the registry host, the repository path, tags and digests.
 */
const DOCKER_HUB = "docker.io";
/** Every name Docker Hub goes by; they all mean one registry. */
const DOCKER_HUB_ALIASES = new Set([
    "docker.io",
    "index.docker.io",
    "registry-1.docker.io",
    "registry.hub.docker.com",
    "hub.docker.com",
]);
const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const DOMAIN = /^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*(?::[0-9]{1,5})?$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const DIGEST = /^sha256:[a-f0-9]{64}$/;
/** Parses a repository name WITHOUT tag or digest. Throws an Error saying what is wrong. */
function parseImageName(input) {
    const name = input.trim();
    if (name === "")
        throw new Error("is empty; expected a repository such as ghcr.io/acme/web");
    if (name.includes("://")) {
        throw new Error(`"${name}" has a URL scheme; expected a repository such as ghcr.io/acme/web`);
    }
    if (name.includes("@")) {
        throw new Error(`"${name}" contains a digest; give the repository only and use the "tag" input for the tag`);
    }
    const slash = name.indexOf("/");
    let registry = DOCKER_HUB;
    let rest = name;
    if (slash > 0) {
        const first = name.slice(0, slash);
        if (first.includes(".") || first.includes(":") || first === "localhost") {
            registry = first;
            rest = name.slice(slash + 1);
        }
    }
    const lastComponent = rest.split("/").at(-1) ?? "";
    if (lastComponent.includes(":")) {
        throw new Error(`"${name}" contains a tag; give the repository only (e.g. ${name.slice(0, name.lastIndexOf(":"))}) and put the tag in the "tag" input`);
    }
    if (!DOMAIN.test(registry)) {
        throw new Error(`"${registry}" is not a valid registry host[:port]`);
    }
    const components = rest.split("/");
    for (const component of components) {
        if (!PATH_COMPONENT.test(component)) {
            const hint = component.toLowerCase() !== component
                ? "repository names must be lowercase"
                : "use lowercase letters, digits and . _ - between them";
            throw new Error(`"${name}" is not a valid repository name: "${component}" (${hint})`);
        }
    }
    const isDockerHub = DOCKER_HUB_ALIASES.has(registry.toLowerCase());
    let path = rest;
    if (isDockerHub && components.length === 1)
        path = `library/${rest}`;
    if (name.length > 255)
        throw new Error(`"${name}" is longer than 255 characters`);
    return { name, registry: isDockerHub ? DOCKER_HUB : registry.toLowerCase(), path, isDockerHub };
}
/**
 * Like parseImageName, but a name with capitals (GitHub's owner/name often has them, and
 * registries take lowercase only) is lowercased, as docker/metadata-action does; the result
 * keeps what was given in `lowercasedFrom`. A name that is wrong in other ways still throws.
 */
function parseImageNameLowercasing(input) {
    const given = input.trim();
    const lower = given.toLowerCase();
    if (lower === given)
        return parseImageName(given);
    try {
        return { ...parseImageName(lower), lowercasedFrom: given };
    }
    catch {
        return parseImageName(given);
    }
}
function isValidTag(tag) {
    return TAG.test(tag);
}
function isValidDigest(digest) {
    return DIGEST.test(digest);
}
/** `<name>:<tag>`, the reference docker pushes and Dokploy pulls. */
function imageRef(image, tag) {
    return `${image.name}:${tag}`;
}
/**
 * A registry address as users and Dokploy write it (with or without scheme, path, or one of
 * Docker Hub's aliases), reduced to host[:port], lowercase; every Docker Hub alias and the
 * empty string (Dokploy's way of saying Docker Hub) become docker.io.
 */
function normalizeRegistryHost(address) {
    let host = address.trim().toLowerCase();
    host = host.replace(/^[a-z][a-z0-9+.-]*:\/\//, "");
    host = host.split("/")[0] ?? "";
    if (host === "" || DOCKER_HUB_ALIASES.has(host))
        return DOCKER_HUB;
    return host;
}
function isDockerHubHost(address) {
    return normalizeRegistryHost(address) === DOCKER_HUB;
}
/** Value Dokploy's registry.create wants in registryUrl: "" for Docker Hub, else host[:port]. */
function dokployRegistryUrl(address) {
    const host = normalizeRegistryHost(address);
    return host === DOCKER_HUB ? "" : host;
}
/** Host Dokploy's registry.create accepts (v0.29.3+): bare host[:port]. */
const DOKPLOY_REGISTRY_URL = /^[a-zA-Z0-9]([a-zA-Z0-9._-]*[a-zA-Z0-9])?(:\d{1,5})?$/;

;// CONCATENATED MODULE: ./src/core/config.ts





const BUILDERS = ["auto", "buildx", "classic"];
const DEPLOY_METHODS = ["redeploy", "deploy"];
const TRANSPORTS = ["trpc", "openapi"];
const ROLLBACK_TARGETS = ["all", "failed"];
/** The unit note of a duration's description, where a unit may be given. */
const DURATION_UNITS = " (or with a unit: 90s, 10m, 1h)";
const INPUTS = [
    {
        name: "dokploy-url",
        defaultText: "required unless deploy is false",
        // Empty is allowed: a pipeline with deploy: false needs no Dokploy.
        pattern: "^(https?://.*)?$",
        description: "Base URL of the Dokploy server, e.g. https://dokploy.example.com.",
    },
    {
        name: "dokploy-api-key",
        defaultText: "required unless deploy is false",
        secret: true,
        description: "Dokploy API key (sent as the x-api-key header). Create it in Dokploy under Settings > Profile > API/CLI.",
    },
    {
        name: "application-id",
        defaultText: "one target is required unless deploy is false",
        multiline: true,
        // Lists: one per line or comma separated.
        pattern: "^[A-Za-z0-9_,\\s-]*$",
        description: "ID of the Dokploy application to deploy (the last part of its URL in Dokploy), or several (one per line or comma separated): one build is deployed to all of them at once. Or give them by name: project and application.",
    },
    {
        name: "project",
        default: "",
        description: "Name of the Dokploy project, to give targets by name (application, compose) instead of by id; resolved with one read before anything is built.",
    },
    {
        name: "dokploy-environment",
        default: "production",
        description: "Name of the environment of project that holds the targets given by name.",
    },
    {
        name: "application",
        default: "",
        multiline: true,
        description: "Name of the application in project and dokploy-environment, instead of application-id; several: one per line or comma separated.",
    },
    {
        name: "compose-id",
        default: "",
        multiline: true,
        pattern: "^[A-Za-z0-9_,\\s-]*$",
        description: "ID of a Dokploy compose service to deploy (several: one per line or comma separated), instead of or beside applications. The image reaches its compose file through its environment: image-variable and tag-variable are set there, every other variable is kept.",
    },
    {
        name: "compose",
        default: "",
        multiline: true,
        description: "Name of the compose service in project and dokploy-environment, instead of compose-id; several: one per line or comma separated.",
    },
    {
        name: "image-variable",
        default: "IMAGE",
        pattern: "^[A-Za-z_][A-Za-z0-9_]*$",
        description: "Compose services: the variable set to <image>:<tag> (with @<digest> under pin-digest), for a compose file that says image: ${IMAGE}.",
    },
    {
        name: "tag-variable",
        default: "TAG",
        pattern: "^[A-Za-z_][A-Za-z0-9_]*$",
        description: "Compose services: the variable set to the tag, for a compose file that says image: ghcr.io/acme/web:${TAG}.",
    },
    {
        name: "image",
        required: true,
        description: "Image repository without tag, e.g. ghcr.io/acme/web or acme/web for Docker Hub.",
    },
    {
        name: "tag",
        defaultText: "commit SHA",
        description: "Tag to push and deploy. Defaults to the full commit SHA, so every deploy is pinned to its commit.",
    },
    {
        name: "extra-tags",
        default: "",
        multiline: true,
        description: "More tags to push with the same image, e.g. latest (newline or comma separated).",
    },
    { name: "context", default: ".", description: "Docker build context." },
    { name: "file", defaultText: "<context>/Dockerfile", description: "Path to the Dockerfile." },
    { name: "target", default: "", description: "Build stage to build (--target)." },
    { name: "build-args", default: "", multiline: true, description: "Build arguments, one KEY=VALUE per line." },
    {
        name: "labels",
        default: "",
        multiline: true,
        description: "Extra image labels, one KEY=VALUE per line. OCI labels (revision, source, created, title) are always added.",
    },
    {
        name: "build-secrets",
        default: "",
        multiline: true,
        description: "Build secrets, one per line: NAME=value (as build-push-action's secrets input; the value reaches buildx through a private temporary file), or a buildx --secret spec such as id=npm,env=NPM_TOKEN or id=npm,src=.npmrc (buildx only).",
    },
    {
        name: "platforms",
        default: "",
        multiline: true,
        description: "Target platforms, e.g. linux/amd64,linux/arm64 (buildx only).",
    },
    {
        name: "cache-from",
        default: "",
        multiline: true,
        description: "buildx --cache-from sources, one per line, e.g. type=gha (buildx only).",
    },
    {
        name: "cache-to",
        default: "",
        multiline: true,
        description: "buildx --cache-to destinations, one per line, e.g. type=gha,mode=max (buildx only).",
    },
    {
        name: "provenance",
        default: "",
        description: "buildx --provenance, e.g. mode=max or false; empty keeps buildx's default. Attestations need a BuildKit builder such as docker/setup-buildx-action's (buildx only).",
    },
    {
        name: "sbom",
        default: "",
        description: "buildx --sbom, e.g. true; empty keeps buildx's default. Attestations need a BuildKit builder such as docker/setup-buildx-action's (buildx only).",
    },
    { name: "network", default: "", description: "Network mode for RUN steps during the build (--network), e.g. host." },
    {
        name: "builder",
        default: "auto",
        options: BUILDERS,
        description: "auto (docker buildx build when buildx is installed, else docker build), buildx (fails when buildx is not installed), or classic (docker build with DOCKER_BUILDKIT=0, e.g. where the daemon does not allow BuildKit).",
    },
    {
        name: "build",
        default: "true",
        type: "boolean",
        description: "Build and push the image. false deploys <image>:<tag> that is already in the registry.",
    },
    {
        name: "push",
        default: "true",
        type: "boolean",
        description: "Push the image after the build. false builds only (needs deploy: false), e.g. for pull requests from forks, which get no registry secrets.",
    },
    {
        name: "deploy",
        default: "true",
        type: "boolean",
        description: "Deploy to Dokploy. false builds (and with push, pushes and checks the pull) without sending anything to Dokploy, so one workflow serves pull requests and the main branch; dokploy-url, dokploy-api-key and the target are not needed then.",
    },
    {
        name: "registry",
        defaultText: "host of image",
        description: "Registry to log in to before pushing; must be the registry of the image.",
    },
    {
        name: "registry-username",
        default: "",
        description: "Username for pushing. Leave empty to skip docker login (e.g. when an earlier step logged in).",
    },
    {
        name: "registry-password",
        default: "",
        secret: true,
        multiline: true,
        description: "Password or token for pushing; passed to docker on stdin only.",
    },
    {
        name: "pull-username",
        defaultText: "registry-username",
        description: "Username Dokploy pulls the image with (e.g. a read-only token's user).",
    },
    {
        name: "pull-password",
        defaultText: "registry-password",
        secret: true,
        multiline: true,
        description: "Password or token Dokploy pulls the image with. Both pull inputs empty and no push credentials: the image is treated as public.",
    },
    {
        name: "dokploy-registry",
        default: "false",
        type: "boolean",
        description: "true: create the registry entry in Dokploy, or update the one for this registry host, with the pull credentials.",
    },
    {
        name: "dokploy-registry-name",
        defaultText: "registry host",
        description: "Name of the registry entry in Dokploy when dokploy-registry is true.",
    },
    {
        name: "image-prefix",
        default: "",
        description: "imagePrefix of the registry entry in Dokploy (dokploy-registry only).",
    },
    {
        name: "server-id",
        default: "",
        description: "Dokploy server ID the registry entry belongs to, for remote servers (dokploy-registry only).",
    },
    {
        name: "deploy-method",
        default: "redeploy",
        options: DEPLOY_METHODS,
        description: "redeploy, or deploy (Dokploy pulls the image first and fails fast on a bad tag or credentials).",
    },
    {
        name: "switch-source",
        default: "false",
        type: "boolean",
        description: "true: also deploy to an application that builds from git (or any source other than a Docker image), switching it to the image. Without it, such an application is refused before anything changes in Dokploy.",
    },
    { name: "deploy-title", defaultText: "Deploy <short sha>", description: "Title of the deployment in Dokploy." },
    {
        name: "deploy-description",
        defaultText: "commit message and run URL",
        multiline: true,
        description: "Description of the deployment in Dokploy.",
    },
    {
        name: "wait",
        default: "true",
        type: "boolean",
        description: "Follow the deployment until it is done or failed; the step fails when the deployment fails.",
    },
    {
        name: "wait-timeout",
        default: "600",
        type: "duration",
        description: "How long to wait for the deployment, in seconds.",
    },
    {
        name: "verify-running",
        default: "true",
        type: "boolean",
        description: "After Dokploy says done, check what really runs: the application still holds our image (else superseded), and Docker Swarm runs a task of it (else not-running, with swarm's reason).",
    },
    {
        name: "verify-timeout",
        default: "60",
        type: "duration",
        description: "How long Docker Swarm may take to run our image after Dokploy says done, in seconds.",
    },
    {
        name: "fail-on-superseded",
        default: "false",
        type: "boolean",
        description: "Fail (exit 1) when a later run's image was deployed over ours (deployment-status superseded); by default that only warns.",
    },
    {
        name: "verify-pull",
        default: "true",
        type: "boolean",
        description: "Before changing anything in Dokploy, check that the registry serves <image>:<tag> to the pull credentials, and that it is the digest just pushed.",
    },
    {
        name: "pin-digest",
        default: "false",
        type: "boolean",
        description: "Deploy <image>:<tag>@<digest>, so the running image can never drift from what was checked.",
    },
    {
        name: "health-url",
        default: "",
        description: "After the deployment is done, GET this URL until it answers health-status; the step fails if it does not. Credentials in it (https://user:pass@host/...) are sent as Basic auth.",
    },
    {
        name: "health-status",
        default: "2xx",
        description: "Statuses the health URL must answer: 2xx, 200, 200-399, or a comma list.",
    },
    {
        name: "health-contains",
        default: "",
        description: "A string the health URL's body must contain, e.g. the commit SHA the app reports.",
    },
    {
        name: "health-timeout",
        default: "120",
        type: "duration",
        description: "How long the health check may take, in seconds.",
    },
    {
        name: "health-interval",
        default: "3",
        type: "duration",
        description: "Pause between health check requests, in seconds.",
    },
    {
        name: "rollback-on-failure",
        default: "false",
        type: "boolean",
        description: "When the deployment fails or times out, point the application back at the image it ran before and redeploy that (the step still fails).",
    },
    {
        name: "rollback-targets",
        default: "all",
        options: ROLLBACK_TARGETS,
        description: "With several targets and rollback-on-failure: all (put back every target this run changed when any fails) or failed (only the targets that failed).",
    },
    {
        name: "retries",
        default: "4",
        type: "number",
        description: "How many times a failed Dokploy call is retried (network errors, 429, 502, 503, 504); 0 turns retries off.",
    },
    {
        name: "retry-max-time",
        default: "60",
        type: "duration",
        description: "No retry starts later than this after the first attempt, in seconds.",
    },
    {
        name: "request-timeout",
        default: "30",
        type: "duration",
        description: "Time limit of each Dokploy request, in seconds; at least 1 s.",
    },
    {
        name: "dry-run",
        default: "false",
        type: "boolean",
        description: "Validate the inputs and print the plan (commands and API calls, secrets masked) without building or changing anything.",
    },
    {
        name: "dokploy-api",
        default: "trpc",
        options: TRANSPORTS,
        description: "API transport: trpc (as Dokploy's own CLI uses) or openapi.",
    },
    {
        name: "github-deployment",
        default: "false",
        type: "boolean",
        githubOnly: true,
        description: "true: record the deploy as a GitHub deployment of environment (in progress once Dokploy runs it, then success or failure), linked to the run and to environment-url.",
    },
    {
        name: "github-token",
        default: "${{ github.token }}",
        secret: true,
        githubOnly: true,
        description: "Token for GitHub's API (github-deployment, pr-comment). The job's token needs deployments: write and pull-requests: write.",
    },
    {
        name: "environment",
        default: "production",
        githubOnly: true,
        description: "GitHub environment the deployment is recorded in (github-deployment), e.g. staging.",
    },
    {
        name: "environment-url",
        defaultText: "the (first) target's page in Dokploy",
        githubOnly: true,
        description: "URL GitHub shows for the environment and the deployment, e.g. the app's domain.",
    },
    {
        name: "pr-comment",
        defaultText: "true on pull_request events",
        githubOnly: true,
        description: "Comment on the pull request with the image, digest, target, status and links: one comment per set of targets (per image with deploy: false) and environment, updated on re-runs.",
    },
];
/** Inputs every front end has: the CLI, the GitLab component and the pipe read these. */
const PORTABLE_INPUTS = INPUTS.filter((input) => !input.githubOnly);
const OUTPUTS = [
    { name: "image", description: "Image reference that was deployed, <image>:<tag>." },
    { name: "tag", description: "Tag that was pushed and deployed." },
    {
        name: "digest",
        description: "Digest of the image deployed (sha256:...): the one pushed, or with build: false the one the pull check found; empty with build: false and verify-pull: false.",
    },
    {
        name: "image-ref-digest",
        description: "<image>@<digest>, a reference that can never drift; empty when digest is.",
    },
    { name: "registry-id", description: "ID of the Dokploy registry entry created or updated (dokploy-registry only)." },
    { name: "deployment-id", description: "ID of the Dokploy deployment that was followed (wait only)." },
    {
        name: "deployment-status",
        description: "How it ended: done (our image runs), superseded (a later run's image was deployed over ours), not-running (Dokploy said done but our image does not run), error, cancelled, timeout, unknown (a status this version does not know), or queued when not waiting.",
    },
    { name: "application-url", description: "Link to the application in the Dokploy dashboard." },
    {
        name: "targets",
        description: 'Every target as JSON, in the order given: [{"kind":"application","id":…,"name":…,"url":…,"deployment-id":…,"deployment-status":…}]. The single-value outputs above are the first target\'s.',
    },
    { name: "health", description: "Last health check answer, e.g. 200 in 34 ms (health-url only)." },
    {
        name: "imageid",
        description: "Image ID of the image built: its config digest (with several platforms, the index digest, as buildx reports it); empty with build: false.",
    },
    {
        name: "metadata",
        description: "The build's metadata as JSON, as buildx writes it with --metadata-file (buildx only).",
    },
];
/** How a target is named in messages before its name is known: application "web" or application <id>. */
function describeTarget(spec) {
    return spec.id !== undefined ? `${spec.kind} ${spec.id}` : `${spec.kind} "${spec.name}"`;
}
/** Every secret value of a config, for masking. */
function secretsOf(config) {
    const health = config.health?.credentials;
    return [
        config.apiKey,
        config.push?.password,
        config.pull?.password,
        health?.password,
        health ? `${health.username}:${health.password}` : undefined,
        ...config.buildSecrets.map((s) => (s.kind === "value" ? s.value : undefined)),
        config.github.token,
    ].filter((s) => typeof s === "string" && s !== "");
}
// ---- field parsers: each gets the trimmed raw text and throws an Error saying what is expected
function field(parse) {
    return schemas_string()
        .optional()
        .transform((raw, ctx) => {
        try {
            return parse((raw ?? "").trim());
        }
        catch (error) {
            ctx.addIssue({ code: "custom", message: (0,errors/* errorMessage */.gJ)(error) });
            return NEVER;
        }
    });
}
function optionalText() {
    return field((v) => (v === "" ? undefined : v));
}
/** true, false, or undefined when empty. */
function parseBoolean(v) {
    const lower = v.toLowerCase();
    if (lower === "")
        return undefined;
    if (lower === "true")
        return true;
    if (lower === "false")
        return false;
    throw new Error(`"${v}" is not a boolean; expected true or false`);
}
function config_boolean(fallback) {
    return field((v) => parseBoolean(v) ?? fallback);
}
/** true, false, or empty: decided by the CI event. */
function maybeBoolean() {
    return field(parseBoolean);
}
function choice(options, fallback) {
    return field((v) => {
        if (v === "")
            return fallback;
        const found = options.find((o) => o === v.toLowerCase());
        if (!found)
            throw new Error(`"${v}" is not one of ${options.join(", ")}`);
        return found;
    });
}
/** Lists: one item a line; `commas` also splits on commas (for values that never hold one). */
function splitList(value, commas) {
    const parts = value.split(commas ? /[\n,]/ : /\n/);
    return parts.map((p) => p.trim()).filter((p) => p !== "" && !p.startsWith("#"));
}
function list(commas, check) {
    return field((v) => {
        const items = splitList(v, commas);
        if (check)
            items.forEach(check);
        return items;
    });
}
const VARIABLE = /^[A-Za-z_][A-Za-z0-9_]*$/;
function variableName(fallback) {
    return field((v) => {
        if (v === "")
            return fallback;
        if (!VARIABLE.test(v)) {
            throw new Error(`"${v}" is not a variable name; expected letters, digits and _, e.g. ${fallback}`);
        }
        return v;
    });
}
/** A list of ids of Dokploy services, each once. */
function ids(kind) {
    return list(true, (id) => {
        if (!APPLICATION_ID.test(id)) {
            throw new Error(`"${id}" is not ${kind === "application" ? "an application" : "a compose"} ID; expected letters, digits, _ and - (as in the ${kind}'s URL in Dokploy)`);
        }
    }).transform((items, ctx) => {
        const twice = items.find((id, i) => items.indexOf(id) !== i);
        if (twice !== undefined)
            ctx.addIssue({ code: "custom", message: `names "${twice}" twice` });
        return items;
    });
}
const KEY_VALUE = /^[^=\s][^=]*=/;
const BUILD_ARG = /^[A-Za-z_][A-Za-z0-9_]*(=.*)?$/s;
const APPLICATION_ID = /^[A-Za-z0-9_-]{1,128}$/;
const PLATFORM = /^[a-z0-9]+\/[a-z0-9_]+(\/[a-z0-9]+)?$/;
function parseDuration(v) {
    const match = /^(\d+(?:\.\d+)?)\s*(s|m|h)?$/.exec(v);
    if (!match)
        throw new Error(`"${v}" is not a duration; expected seconds (600) or 90s, 10m, 1h`);
    const unit = match[2] === "h" ? 3600 : match[2] === "m" ? 60 : 1;
    const seconds = Number(match[1]) * unit;
    if (seconds <= 0 || seconds > 6 * 3600) {
        throw new Error(`"${v}" is out of range; expected more than 0 and at most 6h`);
    }
    return seconds;
}
function parseApiKey(v) {
    if (v === "")
        throw new Error("is required; expected a Dokploy API key");
    const bad = [...v].findIndex((c) => !/^[\x21-\x7e]$/.test(c));
    if (bad >= 0) {
        // The character itself is part of the secret: say where it is, not what it is.
        throw new Error(`character ${String(bad + 1)} cannot be sent in the x-api-key header (a space, a control character or a non-ASCII letter); expected the key as Dokploy shows it, printable ASCII only`);
    }
    return v;
}
/** A URL as it may be shown: credentials in it masked. */
function withoutCredentials(text) {
    return text.replace(/\/\/[^/@]*@/, "//***@");
}
/** The health URL without credentials, and the credentials (sent as Basic auth) if it had some. */
function parseHealthUrl(v) {
    if (v === "")
        return undefined;
    let url;
    try {
        url = new URL(v);
    }
    catch {
        throw new Error(`"${withoutCredentials(v)}" is not a URL; expected http(s)://host/path`);
    }
    if (url.protocol !== "http:" && url.protocol !== "https:")
        throw new Error(`"${withoutCredentials(v)}" must start with https:// or http://`);
    if (!url.username && !url.password)
        return { url: v };
    const credentials = { username: decodeURIComponent(url.username), password: decodeURIComponent(url.password) };
    url.username = "";
    url.password = "";
    return { url: url.toString(), credentials };
}
/** A URL GitHub shows to everyone who can read the repository: http(s), no credentials. */
function parseEnvironmentUrl(v) {
    if (v === "")
        return undefined;
    const safe = withoutCredentials(v);
    let url;
    try {
        url = new URL(v);
    }
    catch {
        throw new Error(`"${safe}" is not a URL; expected http(s)://host/path`);
    }
    if (url.protocol !== "http:" && url.protocol !== "https:")
        throw new Error(`"${safe}" must start with https:// or http://`);
    if (url.username || url.password)
        throw new Error(`"${safe}" must not contain credentials: GitHub shows it to readers`);
    return v;
}
function parseRequestTimeout(v) {
    if (v === "")
        return 30;
    const seconds = parseDuration(v);
    if (seconds < 1) {
        throw new Error(`"${v}" is too short; expected at least 1 s (a Dokploy call takes tens of milliseconds on an idle server, seconds on a busy one)`);
    }
    return seconds;
}
function parseDokployUrl(v) {
    if (v === "")
        return "";
    let url;
    try {
        url = new URL(v);
    }
    catch {
        throw new Error(`"${v}" is not a URL; expected http(s)://host[:port], e.g. https://dokploy.example.com`);
    }
    if (url.protocol !== "https:" && url.protocol !== "http:") {
        throw new Error(`"${v}" must start with https:// or http://`);
    }
    if (!/^https?:\/\//i.test(v)) {
        throw new Error(`"${v}" is not a URL; expected http(s)://host[:port], e.g. https://dokploy.example.com`);
    }
    if (url.search || url.hash || url.username || url.password) {
        throw new Error(`"${url.origin}..." must not contain credentials, a query or a fragment`);
    }
    const path = url.pathname.replace(/\/+$/, "").replace(/\/api$/, "");
    return `${url.origin}${path}`;
}
const schema = object({
    "dokploy-url": field(parseDokployUrl),
    // Needed to deploy only (checkDeployInputs).
    "dokploy-api-key": field((v) => (v === "" ? "" : parseApiKey(v))),
    "application-id": ids("application"),
    project: optionalText(),
    "dokploy-environment": field((v) => (v === "" ? "production" : v)),
    application: list(true),
    "compose-id": ids("compose"),
    compose: list(true),
    "image-variable": variableName("IMAGE"),
    "tag-variable": variableName("TAG"),
    image: field((v) => parseImageNameLowercasing(v)),
    tag: field((v) => {
        if (v !== "" && !isValidTag(v)) {
            throw new Error(`"${v}" is not a valid tag; expected up to 128 letters, digits, _ . - not starting with . or -`);
        }
        return v;
    }),
    "extra-tags": list(true, (t) => {
        if (!isValidTag(t))
            throw new Error(`"${t}" is not a valid tag; expected up to 128 letters, digits, _ . -`);
    }),
    context: field((v) => (v === "" ? "." : v)),
    file: optionalText(),
    target: optionalText(),
    "build-args": list(false, (a) => {
        if (!BUILD_ARG.test(a))
            throw new Error(`"${a.split("=")[0] ?? a}" is not a valid build argument; expected KEY=VALUE`);
    }),
    labels: list(false, (l) => {
        if (!KEY_VALUE.test(l))
            throw new Error(`"${l}" is not a label; expected KEY=VALUE`);
    }),
    "build-secrets": field((v) => splitList(v, false).map((entry, i) => parseBuildSecret(entry, i + 1))),
    platforms: list(true, (p) => {
        if (!PLATFORM.test(p))
            throw new Error(`"${p}" is not a platform; expected os/arch[/variant], e.g. linux/amd64`);
    }),
    "cache-from": list(false),
    "cache-to": list(false),
    provenance: optionalText(),
    sbom: optionalText(),
    network: optionalText(),
    builder: choice(BUILDERS, "auto"),
    build: config_boolean(true),
    push: config_boolean(true),
    deploy: config_boolean(true),
    registry: optionalText(),
    "registry-username": optionalText(),
    "registry-password": optionalText(),
    "pull-username": optionalText(),
    "pull-password": optionalText(),
    "dokploy-registry": config_boolean(false),
    "dokploy-registry-name": optionalText(),
    "image-prefix": optionalText(),
    "server-id": optionalText(),
    "deploy-method": choice(DEPLOY_METHODS, "redeploy"),
    "switch-source": config_boolean(false),
    "deploy-title": optionalText(),
    "deploy-description": optionalText(),
    wait: config_boolean(true),
    "wait-timeout": field((v) => (v === "" ? 600 : parseDuration(v))),
    "verify-pull": config_boolean(true),
    "pin-digest": config_boolean(false),
    "health-url": field(parseHealthUrl),
    "health-status": field((v) => parseStatuses(v === "" ? "2xx" : v)),
    "health-contains": optionalText(),
    "health-timeout": field((v) => (v === "" ? 120 : parseDuration(v))),
    "health-interval": field((v) => (v === "" ? 3 : parseDuration(v))),
    "rollback-on-failure": config_boolean(false),
    "rollback-targets": choice(ROLLBACK_TARGETS, "all"),
    "verify-running": config_boolean(true),
    "verify-timeout": field((v) => (v === "" ? 60 : parseDuration(v))),
    "fail-on-superseded": config_boolean(false),
    retries: field((v) => {
        if (v === "")
            return 4;
        if (!/^\d+$/.test(v) || Number(v) > 20)
            throw new Error(`"${v}" is not a retry count; expected a whole number from 0 to 20`);
        return Number(v);
    }),
    "retry-max-time": field((v) => (v === "" ? 60 : parseDuration(v))),
    "request-timeout": field(parseRequestTimeout),
    "dry-run": config_boolean(false),
    "dokploy-api": choice(TRANSPORTS, "trpc"),
    "github-deployment": config_boolean(false),
    "github-token": optionalText(),
    environment: field((v) => (v === "" ? "production" : v)),
    "environment-url": field(parseEnvironmentUrl),
    "pr-comment": maybeBoolean(),
});
function pair(problems, userName, user, passName, pass) {
    if (user && pass)
        return { username: user, password: pass };
    if (user && !pass)
        problems.push({ input: passName, message: `is required when ${userName} is set` });
    if (pass && !user)
        problems.push({ input: userName, message: `is required when ${passName} is set` });
    return undefined;
}
function shortSha(sha) {
    return sha.slice(0, 7);
}
function defaultDescription(ci, tag) {
    const lines = [];
    const subject = ci.commitMessage?.split("\n")[0]?.trim();
    if (ci.sha)
        lines.push(`Commit ${ci.sha}${subject ? `: ${subject}` : ""}`);
    else
        lines.push(`Tag ${tag}`);
    if (ci.runUrl)
        lines.push(`Run: ${ci.runUrl}`);
    return lines.join("\n").slice(0, 1000);
}
/** Whether a boolean input is false as typed (a typo is reported by the schema). */
function isFalse(raw, name) {
    return (raw[name] ?? "").trim().toLowerCase() === "false";
}
function isEmpty(raw, name) {
    return (raw[name] ?? "").trim() === "";
}
const TARGET_INPUTS = ["application-id", "application", "compose-id", "compose"];
/** At least one target, by id or by name (names need the project). */
function checkTargetInputs(raw, problems) {
    const given = TARGET_INPUTS.filter((name) => !isEmpty(raw, name));
    if (given.length === 0) {
        problems.push({
            input: "application-id",
            message: "is required; expected the ID of a Dokploy application (or compose-id for a compose service, or a name in application or compose, with project)",
        });
    }
    const named = given.find((name) => name === "application" || name === "compose");
    if (named && isEmpty(raw, "project")) {
        problems.push({ input: "project", message: `is required to find the ${named} by name; expected a project name` });
    }
}
/**
 * What deploying needs, and what building without deploying rules out; read from the raw
 * inputs, so these are named along with the problems the schema finds.
 */
function checkDeployInputs(raw, problems) {
    if (isFalse(raw, "deploy")) {
        if (isFalse(raw, "build") && isFalse(raw, "push")) {
            problems.push({ input: "deploy", message: "is false, and so are build and push: nothing to do" });
        }
        return;
    }
    if (isEmpty(raw, "dokploy-url")) {
        problems.push({
            input: "dokploy-url",
            message: "is required; expected the URL of your Dokploy server, e.g. https://dokploy.example.com",
        });
    }
    if (isEmpty(raw, "dokploy-api-key")) {
        problems.push({ input: "dokploy-api-key", message: "is required; expected a Dokploy API key" });
    }
    checkTargetInputs(raw, problems);
    if (isFalse(raw, "push")) {
        problems.push({
            input: "push",
            message: "is false, but Dokploy can only deploy a pushed image; set deploy: false to build without deploying",
        });
    }
}
/** Every target, in this order: applications by id, by name, then compose services by id, by name. */
function targetsOf(p) {
    return [
        ...p["application-id"].map((id) => ({ kind: "application", id })),
        ...p.application.map((name) => ({ kind: "application", name })),
        ...p["compose-id"].map((id) => ({ kind: "compose", id })),
        ...p.compose.map((name) => ({ kind: "compose", name })),
    ];
}
function healthCheckOf(p) {
    const target = p["health-url"];
    if (!target)
        return undefined;
    return {
        url: target.url,
        credentials: target.credentials,
        statuses: p["health-status"],
        contains: p["health-contains"],
        timeoutMs: p["health-timeout"] * 1000,
        intervalMs: p["health-interval"] * 1000,
    };
}
function spacedSecrets(raw) {
    const names = ["registry-password", "pull-password"];
    return names.filter((name) => {
        const value = (raw[name] ?? "").replace(/^[\r\n]+|[\r\n]+$/g, "");
        return value.trim() !== "" && value !== value.trim();
    });
}
function interpret(p, ci, problems) {
    const tag = p.tag !== "" ? p.tag : ci.sha;
    if (tag === "") {
        problems.push({
            input: "tag",
            message: "is required: no commit SHA was found in the CI context; set tag explicitly",
        });
    }
    else if (!isValidTag(tag)) {
        problems.push({ input: "tag", message: `"${tag}" (from the commit SHA) is not a valid tag` });
    }
    const registry = p.registry !== undefined ? normalizeRegistryHost(p.registry) : p.image.registry;
    if (registry !== p.image.registry) {
        problems.push({
            input: "registry",
            message: `"${p.registry ?? ""}" is not the registry of image "${p.image.name}" (${p.image.registry}); the push would not be authorised. Leave registry empty or make it match the image`,
        });
    }
    const push = pair(problems, "registry-username", p["registry-username"], "registry-password", p["registry-password"]);
    // A build that neither pushes nor deploys pulls nothing: its pull credentials are not used, and
    // may be half there (a pull request from a fork gets no secrets).
    const pulls = p.push || p.deploy;
    const pullGiven = pulls
        ? pair(problems, "pull-username", p["pull-username"], "pull-password", p["pull-password"])
        : undefined;
    const pull = pulls ? (pullGiven ?? (p["pull-username"] || p["pull-password"] ? undefined : push)) : undefined;
    if (p.deploy && p["dokploy-registry"] && !pull) {
        problems.push({
            input: "dokploy-registry",
            message: "is true but there are no credentials to store; set pull-username/pull-password or registry-username/registry-password",
        });
    }
    if (p["health-url"] && !p.wait) {
        problems.push({ input: "health-url", message: "needs wait: true (the check runs once the deployment is done)" });
    }
    if (p["pin-digest"] && !p.build && !p["verify-pull"]) {
        problems.push({
            input: "pin-digest",
            message: "needs the digest: with build: false it comes from the pull check, so keep verify-pull: true",
        });
    }
    if (p["image-variable"] === p["tag-variable"]) {
        problems.push({
            input: "tag-variable",
            message: `is the same as image-variable (${p["tag-variable"]}); they hold different values`,
        });
    }
    for (const asked of ["github-deployment", "pr-comment"]) {
        if (p[asked] && !p["github-token"]) {
            problems.push({ input: "github-token", message: `is required when ${asked} is true` });
        }
    }
    if (problems.length > 0)
        return undefined;
    const registryName = p["dokploy-registry-name"] ?? (p.image.isDockerHub ? "Docker Hub" : registry);
    return {
        dokployUrl: p["dokploy-url"],
        apiKey: p["dokploy-api-key"],
        targets: targetsOf(p),
        names: p.project !== undefined ? { project: p.project, environment: p["dokploy-environment"] } : undefined,
        imageVariable: p["image-variable"],
        tagVariable: p["tag-variable"],
        image: p.image,
        tag,
        extraTags: [...new Set(p["extra-tags"])].filter((t) => t !== tag),
        build: p.build,
        pushImage: p.push,
        deploy: p.deploy,
        context: p.context,
        file: p.file,
        target: p.target,
        buildArgs: p["build-args"],
        labels: p.labels,
        buildSecrets: p["build-secrets"],
        platforms: p.platforms,
        cacheFrom: p["cache-from"],
        cacheTo: p["cache-to"],
        provenance: p.provenance,
        sbom: p.sbom,
        network: p.network,
        builder: p.builder,
        registry,
        push,
        pull,
        dokployRegistry: p["dokploy-registry"],
        dokployRegistryName: registryName,
        dokployRegistryNameGiven: p["dokploy-registry-name"] !== undefined,
        imagePrefix: p["image-prefix"] ?? null,
        serverId: p["server-id"],
        deployMethod: p["deploy-method"],
        switchSource: p["switch-source"],
        deployTitle: p["deploy-title"] ?? `Deploy ${ci.sha ? shortSha(ci.sha) : tag}`,
        deployDescription: p["deploy-description"] ?? defaultDescription(ci, tag),
        wait: p.wait,
        waitTimeoutSeconds: p["wait-timeout"],
        verifyPull: p["verify-pull"],
        pinDigest: p["pin-digest"],
        health: healthCheckOf(p),
        rollbackOnFailure: p["rollback-on-failure"],
        rollbackTargets: p["rollback-targets"],
        verifyRunning: p["verify-running"],
        verifyTimeoutSeconds: p["verify-timeout"],
        failOnSuperseded: p["fail-on-superseded"],
        retries: p.retries,
        retryMaxTimeSeconds: p["retry-max-time"],
        requestTimeoutSeconds: p["request-timeout"],
        dryRun: p["dry-run"],
        transport: p["dokploy-api"],
        ci,
        notices: p.image.lowercasedFrom
            ? [
                `Image "${p.image.lowercasedFrom}" is used as "${p.image.name}": registries take lowercase repository names only.`,
            ]
            : [],
        github: {
            deployment: p["github-deployment"],
            token: p["github-token"],
            environment: p.environment,
            environmentUrl: p["environment-url"],
            prComment: p["pr-comment"],
        },
    };
}
/**
 * Line breaks in one-line inputs: printed, they would start new lines of the log (where a
 * line can be a CI command); sent, they would reach Dokploy's titles or the health URL.
 */
function lineBreaks(raw) {
    const problems = [];
    for (const input of INPUTS) {
        if (input.multiline || !/[\r\n]/.test((raw[input.name] ?? "").trim()))
            continue;
        const hint = input.name === "deploy-title" ? " (give it the first line only; deploy-description takes several)" : "";
        problems.push({ input: input.name, message: `must be a single line, but it holds a line break${hint}` });
    }
    return problems;
}
/**
 * Reads the raw inputs (as typed by the user, keyed by input name) and the CI context into a
 * Config. Throws one ConfigError naming every bad input; the first one is its `input`.
 */
function parseConfig(raw, ci) {
    const result = schema.safeParse(raw);
    const problems = lineBreaks(raw);
    checkDeployInputs(raw, problems);
    if (!result.success || problems.length > 0) {
        for (const issue of result.success ? [] : result.error.issues) {
            const input = String(issue.path[0] ?? "?");
            if (!problems.some((p) => p.input === input))
                problems.push({ input, message: issue.message });
        }
    }
    else {
        const config = interpret(result.data, ci, problems);
        if (config)
            return { ...config, spacedSecrets: spacedSecrets(raw) };
    }
    const [first] = problems;
    if (!first)
        throw new Error("unreachable: parseConfig found no problem and no config");
    const error = new errors/* ConfigError */.xL(first.input, first.message);
    if (problems.length > 1) {
        error.message = problems.map((p) => `Input "${p.input}": ${p.message}`).join("\n");
    }
    throw error;
}

// EXTERNAL MODULE: ./src/core/log.ts + 1 modules
var log = __nccwpck_require__(9553);
// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __nccwpck_require__(7598);
;// CONCATENATED MODULE: ./src/core/docker.ts



const METADATA_FILE = "build-metadata.json";
const IID_FILE = "build-iid";
/** Lines of a command's output kept for its error message and digest. */
const KEPT_LINES = 200;
/** The OCI annotations every image gets (user labels given later override them). */
function ociLabels(config, created) {
    const labels = [`org.opencontainers.image.created=${created.toISOString()}`];
    if (config.ci.sha)
        labels.push(`org.opencontainers.image.revision=${config.ci.sha}`);
    if (config.ci.repositoryUrl)
        labels.push(`org.opencontainers.image.source=${config.ci.repositoryUrl}`);
    const title = config.ci.repository?.split("/").at(-1) ?? config.image.path.split("/").at(-1);
    if (title)
        labels.push(`org.opencontainers.image.title=${title}`);
    return labels;
}
/** Every reference pushed: the deploy tag first, then the extra tags. */
function pushRefs(config) {
    return [config.tag, ...config.extraTags].map((t) => imageRef(config.image, t));
}
/** Every label of a build: the OCI ones, then the user's (later ones win). */
function allLabels(config, created) {
    return [...ociLabels(config, created), ...config.labels];
}
/**
 * A label key or value in double quotes, as the Dockerfile parser reads it: its escape
 * character (\\ or a backtick, per `# escape=`) before ", $ and itself, so nothing is expanded
 * or ends the quotes early.
 */
function quoteLabelPart(text, escape) {
    const special = escape === "`" ? /[`"$]/g : /[\\"$]/g;
    return `"${text.replace(special, (c) => `${escape}${c}`).replace(/\r?\n/g, " ")}"`;
}
/** The escape character a Dockerfile sets with its `# escape=` parser directive (\\ if none). */
function dockerfileEscape(lines) {
    for (const line of lines) {
        const directive = /^\s*#\s*([a-z]+)\s*=\s*(\S+)\s*$/i.exec(line);
        if (!directive)
            break;
        if (directive[1]?.toLowerCase() === "escape" && (directive[2] === "`" || directive[2] === "\\"))
            return directive[2];
    }
    return "\\";
}
/**
 * The Dockerfile with one `LABEL k="v" …` line at the end of the stage that is built (the
 * --target stage, else the last one). Undefined when that cannot be done safely: the target
 * stage is not found, or the file ends inside a continued line.
 */
function dockerfileWithLabels(text, labels, target) {
    const lines = text.split(/\r?\n/);
    const escape = dockerfileEscape(lines);
    let continued = false;
    let inTarget = false;
    let found = target === undefined;
    let insertAt;
    for (let i = 0; i < lines.length; i++) {
        const trimmed = (lines[i] ?? "").trim();
        if (!continued && /^from\s/i.test(trimmed)) {
            if (inTarget && insertAt === undefined)
                insertAt = i;
            const name = /\sas\s+(\S+)$/i.exec(trimmed)?.[1];
            inTarget = target !== undefined && name?.toLowerCase() === target.toLowerCase();
            if (inTarget)
                found = true;
        }
        // Comments and blank lines neither start nor end a continued instruction.
        if (trimmed === "" || trimmed.startsWith("#"))
            continue;
        continued = trimmed.endsWith(escape);
    }
    if (!found || continued)
        return undefined;
    const line = `LABEL ${labels
        .map((label) => {
        const eq = label.indexOf("=");
        return `${quoteLabelPart(label.slice(0, eq), escape)}=${quoteLabelPart(label.slice(eq + 1), escape)}`;
    })
        .join(" ")}`;
    let at = insertAt ?? lines.length;
    while (at > 0 && (lines[at - 1] ?? "").trim() === "")
        at -= 1;
    return [...lines.slice(0, at), line, ...lines.slice(at)].join("\n");
}
/**
 * Whether a Dockerfile pulls anything (FROM, COPY --from) from `registry`: then the build needs
 * the login first. Stage names count as Docker Hub images here, which errs on the safe side.
 */
function pullsFrom(dockerfile, registry) {
    const host = normalizeRegistryHost(registry);
    const images = [];
    for (const line of dockerfile.split(/\r?\n/)) {
        const from = /^\s*FROM\s+(?:--platform=\S+\s+)?(\S+)/i.exec(line);
        if (from?.[1])
            images.push(from[1]);
        for (const copy of line.matchAll(/--from=(\S+)/gi))
            if (copy[1])
                images.push(copy[1]);
    }
    return images.some((image) => {
        const first = image.split("/")[0] ?? "";
        const named = image.includes("/") && (first.includes(".") || first.includes(":") || first === "localhost");
        return normalizeRegistryHost(named ? first : "docker.io") === host;
    });
}
/** argv (without the leading `docker`) of the build. buildx builds and pushes in one go. */
function buildArgv(config, options) {
    const argv = options.buildx ? ["buildx", "build"] : ["build"];
    const file = options.labelledDockerfile ?? config.file;
    if (file)
        argv.push("--file", file);
    for (const ref of pushRefs(config))
        argv.push("--tag", ref);
    if (!options.labelledDockerfile)
        for (const label of allLabels(config, options.created))
            argv.push("--label", label);
    for (const arg of config.buildArgs)
        argv.push("--build-arg", arg);
    if (config.target)
        argv.push("--target", config.target);
    if (config.network)
        argv.push("--network", config.network);
    if (options.buildx) {
        if (config.platforms.length > 0)
            argv.push("--platform", config.platforms.join(","));
        for (const c of config.cacheFrom)
            argv.push("--cache-from", c);
        for (const c of config.cacheTo)
            argv.push("--cache-to", c);
        argv.push(...secretArgs(config.buildSecrets, options.outDir));
        // One argument each: the values hold "=" and commas (mode=max,builder-id=...).
        if (config.provenance !== undefined)
            argv.push(`--provenance=${config.provenance}`);
        if (config.sbom !== undefined)
            argv.push(`--sbom=${config.sbom}`);
        argv.push("--metadata-file", `${options.outDir}/${METADATA_FILE}`);
    }
    argv.push("--iidfile", `${options.outDir}/${IID_FILE}`);
    if (options.buildx && config.pushImage)
        argv.push("--push");
    argv.push(config.context);
    return argv;
}
function loginArgv(registry, username) {
    return ["login", registry, "--username", username, "--password-stdin"];
}
function pushArgv(ref) {
    return ["push", ref];
}
/** The digest `docker push` prints: "<tag>: digest: sha256:... size: N". */
function parsePushDigest(output) {
    return /digest: (sha256:[a-f0-9]{64})/.exec(output)?.[1];
}
/** The digest buildx writes to --metadata-file. */
function parseMetadataDigest(json) {
    const data = JSON.parse(json);
    const digest = data["containerimage.digest"];
    return typeof digest === "string" ? digest : undefined;
}
/** Whether a --provenance/--sbom value asks for an attestation (buildx reads false, 0, f as off). */
function asksForAttestation(value) {
    return value !== undefined && !/^(false|0|f)$/i.test(value);
}
/** Inputs that need buildx, with their values, for the error without it. */
function buildxOnlyInputs(config) {
    const used = [];
    if (config.platforms.length > 0)
        used.push("platforms");
    if (config.cacheFrom.length > 0)
        used.push("cache-from");
    if (config.cacheTo.length > 0)
        used.push("cache-to");
    if (config.buildSecrets.length > 0)
        used.push("build-secrets");
    if (asksForAttestation(config.provenance))
        used.push("provenance");
    if (asksForAttestation(config.sbom))
        used.push("sbom");
    return used;
}
/** What the build left in the temporary docker config: metadata (buildx) and image ID. */
async function readBuildOutputs(temp) {
    const [metadata, iid] = await Promise.all([temp.readFile(METADATA_FILE), temp.readFile(IID_FILE)]);
    let parsed;
    try {
        parsed = metadata === undefined ? undefined : JSON.parse(metadata);
    }
    catch {
        parsed = undefined;
    }
    return {
        digest: metadata && parsed !== undefined ? parseMetadataDigest(metadata) : undefined,
        imageId: iid?.trim() || undefined,
        metadata: parsed === undefined ? undefined : JSON.stringify(parsed),
    };
}
/** Docker CLI over an injected Exec, with the temporary DOCKER_CONFIG. */
class Docker {
    exec;
    logger;
    env;
    constructor(exec, logger, env = {}) {
        this.exec = exec;
        this.logger = logger;
        this.env = env;
    }
    withConfigDir(dir) {
        return new Docker(this.exec, this.logger, { ...this.env, DOCKER_CONFIG: dir });
    }
    async hasBuildx() {
        const result = await this.exec("docker", ["buildx", "version"], { env: this.env });
        return result.exitCode === 0;
    }
    async login(registry, credentials, signal) {
        const argv = loginArgv(registry, credentials.username);
        const result = await this.exec("docker", argv, { env: this.env, input: credentials.password, signal });
        if (result.exitCode !== 0) {
            throw new errors/* CommandError */.Qd(`docker login to ${registry} as ${credentials.username} (check registry-username and registry-password)`, ["docker", ...argv], result.exitCode, result.stderr || result.stdout);
        }
        this.logger.info(`Logged in to ${registry} as ${credentials.username}`);
    }
    /** Runs a docker command, streaming its output into the log. */
    async run(step, argv, signal) {
        this.logger.info(`$ docker ${argv.join(" ")}`);
        // The end of the output is what an error shows and where push prints the digest.
        const output = [];
        const result = await this.exec("docker", argv, {
            env: this.env,
            signal,
            onLine: (line) => {
                output.push(line);
                if (output.length > KEPT_LINES)
                    output.shift();
                this.logger.info(line);
            },
        });
        const text = output.length > 0 ? output.join("\n") : `${result.stdout}\n${result.stderr}`;
        if (result.exitCode !== 0)
            throw new errors/* CommandError */.Qd(step, ["docker", ...argv], result.exitCode, text);
        return text;
    }
    /**
     * Runs the build argv. The classic builder gets DOCKER_BUILDKIT=0: without it the CLI hands
     * `docker build` to buildx whenever buildx is installed, and it would not be classic.
     */
    build(argv, signal) {
        if (argv[0] !== "build")
            return this.run("docker build", argv, signal);
        // The CLI's own notice then says to remove DOCKER_BUILDKIT=0, which the user did not set.
        this.logger.info("Classic builder (DOCKER_BUILDKIT=0): builder is classic, or docker cannot run buildx here");
        const classic = new Docker(this.exec, this.logger, { ...this.env, DOCKER_BUILDKIT: "0" });
        return classic.run("docker build", argv, signal);
    }
    /**
     * `docker buildx inspect --debug`: the current builder, its driver and what it can do.
     * Undefined when buildx cannot say within 10 s (an unreachable remote builder, say).
     */
    async inspectBuilder() {
        const signal = AbortSignal.timeout(10_000);
        const result = await this.exec("docker", ["buildx", "inspect", "--debug"], { env: this.env, signal });
        return result.exitCode === 0 ? result.stdout : undefined;
    }
    /** Pushes one reference and returns the digest the registry reported. */
    async push(ref, signal) {
        const out = await this.run(`docker push ${ref}`, pushArgv(ref), signal);
        return parsePushDigest(out);
    }
}

;// CONCATENATED MODULE: ./src/core/ledger.ts

/**
 * What a run changed, in the order it happened: the one source for clean-up, the failure
 * message, the job summary and the cancel path, so any ending says exactly what is left.
 */
class Ledger {
    observe;
    changes = [];
    cleanUps = [];
    /** `observe` is told each change as it is recorded; what it throws never reaches the run. */
    constructor(observe) {
        this.observe = observe;
    }
    record(change) {
        this.changes.push(change);
        try {
            this.observe?.(change);
        }
        catch {
            // An observer reports elsewhere; the deploy does not depend on it.
        }
        return change;
    }
    /** Records something that must not outlive the run, with how to remove it. */
    temporary(path, what, remove) {
        const entry = { change: this.record({ kind: "temp-files", path, what }), run: remove, done: false };
        this.cleanUps.push(entry);
        return () => this.cleanUpOne(entry);
    }
    get entries() {
        return this.changes;
    }
    /** The last deployment this run triggered (not a rollback's), if any. */
    lastDeployment() {
        return this.changes.filter((c) => c.kind === "deployment").at(0);
    }
    /** Runs every clean-up not done yet, each on its own; a failure is a warning. */
    async cleanUp(logger) {
        for (const entry of this.cleanUps) {
            await this.cleanUpOne(entry).catch((error) => {
                logger.warn(`Could not remove the ${entry.change.kind === "temp-files" ? entry.change.what : "files"}: ${(0,errors/* errorMessage */.gJ)(error)}`);
            });
        }
    }
    async cleanUpOne(entry) {
        if (entry.done)
            return;
        await entry.run();
        entry.done = true;
    }
    /** Sentences saying what this run changed in Dokploy, oldest first; empty when nothing. */
    dokployChanges() {
        const lines = [];
        for (const change of this.changes) {
            switch (change.kind) {
                case "registry-entry":
                    lines.push(`registry entry "${change.name}" (${change.registryId}) ${change.action}`);
                    break;
                case "provider":
                    lines.push(describeProvider(change));
                    break;
                case "compose-env":
                    lines.push(describeComposeEnv(change));
                    break;
                case "deployment":
                    lines.push(describeDeployment(change));
                    break;
                case "rollback":
                    lines.push(change.outcome);
                    break;
                default:
                    break;
            }
        }
        return lines;
    }
    /** What the registry got from this run: the references pushed. */
    pushed() {
        return this.changes.flatMap((c) => (c.kind === "pushed" ? [c.ref] : []));
    }
    /** A paragraph for the end of a failure or cancel message. */
    report() {
        const dokploy = this.dokployChanges();
        const pushed = this.pushed();
        const lines = [];
        if (pushed.length > 0)
            lines.push(`Pushed: ${pushed.join(", ")}.`);
        if (dokploy.length === 0)
            lines.push("Nothing was changed in Dokploy.");
        else
            lines.push("Changed in Dokploy:", ...dokploy.map((line) => `- ${line}`));
        const pointed = this.changes.filter((c) => (c.kind === "provider" || c.kind === "compose-env") && !c.rollback);
        const triggered = this.changes.filter((c) => c.kind === "deployment");
        if (pointed.length > 0 && triggered.length === 0) {
            lines.push("- no deployment was triggered: the running containers still run the previous image");
        }
        else if (pointed.length > triggered.length) {
            lines.push("- some targets were pointed at the image but not redeployed: their containers still run the previous image");
        }
        return lines.join("\n");
    }
}
function describeProvider(change) {
    const was = change.from ? ` (was ${change.from})` : "";
    if (change.rollback)
        return `application ${change.application} points at ${change.to} again`;
    if (change.uncertain) {
        return `application ${change.application} may now point at ${change.to}${was}: its answer was lost; check it in Dokploy`;
    }
    return `application ${change.application} now points at ${change.to}${was}`;
}
function describeComposeEnv(change) {
    const set = change.variables.map((v) => `${v.name}=${v.to}`).join(", ");
    const was = change.variables.map((v) => (v.from === undefined ? `no ${v.name}` : `${v.name}=${v.from}`)).join(", ");
    if (change.rollback)
        return `compose ${change.compose} has its environment as before again (${was})`;
    if (change.uncertain) {
        return `compose ${change.compose} may now have ${set} in its environment (was ${was}): its answer was lost; check it in Dokploy`;
    }
    return `compose ${change.compose} now has ${set} in its environment (was ${was}; its other variables untouched)`;
}
function describeDeployment(change) {
    const name = `${change.target ? `${change.target}: ` : ""}${change.method} "${change.title}"${change.deploymentId ? ` (deployment ${change.deploymentId})` : ""}`;
    switch (change.status) {
        case "uncertain":
            return `${name} may have been triggered (its answer was lost): see ${change.url}`;
        case undefined:
        case "queued":
            return `${name} was triggered and is queued or running in Dokploy: see ${change.url}`;
        case "running":
            return `${name} is running in Dokploy: see ${change.url}`;
        default:
            return `${name} ended ${change.status}: see ${change.url}`;
    }
}

// EXTERNAL MODULE: ./src/core/retry.ts
var retry = __nccwpck_require__(7253);
;// CONCATENATED MODULE: ./src/core/context.ts








/** Throws the run's CancelledError when the run was cancelled. */
function stopIfCancelled(ctx) {
    if (ctx.signal.aborted)
        throw cancelled(ctx);
}
/** The error that ends a cancelled run, saying what the run had changed. */
function cancelled(ctx) {
    const reason = ctx.signal.reason;
    const name = typeof reason === "string" ? reason : "SIGINT";
    return new errors/* CancelledError */.cc(name, `Cancelled (${name}).\n${ctx.ledger.report()}`);
}
function createContext(config, ports, signal) {
    const redactor = new log/* Redactor */.pO();
    for (const secret of secretsOf(config))
        redactor.add(secret);
    const logger = (0,log/* redactingLogger */.S)(ports.logger, redactor);
    const ledger = new Ledger(ports.onChange);
    const sleep = async (ms, wake) => {
        await ports.sleep(ms, wake ? AbortSignal.any([wake, signal]) : signal);
        stopIfCancelled({ signal, ledger });
    };
    const cancellable = { ...ports, logger, sleep };
    return {
        config,
        ports: cancellable,
        logger,
        redactor,
        ledger,
        signal,
        result: { image: imageRef(config.image, config.tag), tag: config.tag, targets: [], timings: [] },
        docker: new Docker(ports.exec, logger),
        policy: { ...retry/* DEFAULT_RETRY */.vI, retries: config.retries, maxElapsedMs: config.retryMaxTimeSeconds * 1000 },
        retryPorts: { logger, clock: ports.clock, sleep, random: ports.random },
        runToken: (0,external_node_crypto_.randomBytes)(6).toString("hex"),
    };
}
/** Runs a stage in a log group (where the CI has them) and records how long it took. */
async function timed(ctx, step, fn, group = true) {
    const { ports, result } = ctx;
    const started = ports.clock();
    try {
        return await (group ? ctx.logger.group(step, fn) : fn());
    }
    finally {
        result.timings.push({ step, seconds: (ports.clock() - started) / 1000 });
    }
}

;// CONCATENATED MODULE: ./src/core/target.ts

/** Prefixes every line with the target's name; no log groups, which cannot interleave. */
function prefixedLogger(inner, prefix) {
    return {
        debug: (m) => {
            inner.debug(`${prefix()} ${m}`);
        },
        info: (m) => {
            inner.info(`${prefix()} ${m}`);
        },
        warn: (m) => {
            inner.warn(`${prefix()} ${m}`);
        },
        error: (m) => {
            inner.error(`${prefix()} ${m}`);
        },
        group: (title, fn) => {
            inner.info(`${prefix()} ${title}`);
            return fn();
        },
    };
}
/** How a target is called in messages: its name once known, else its id. */
function targetName(target) {
    return target.name ?? target.id;
}
function forTarget(ctx, target, several) {
    const ref = { kind: target.kind, id: target.id };
    if (!several)
        return { ...ctx, ref, target, several };
    const logger = prefixedLogger(ctx.logger, () => `[${targetName(target)}]`);
    const ports = { ...ctx.ports, logger };
    return { ...ctx, logger, ports, retryPorts: { ...ctx.retryPorts, logger }, ref, target, several };
}
/** Runs a stage of one target, timed; with several targets, the step names the target. */
function timedTarget(ctx, step, fn, group = true) {
    return timed(ctx, ctx.several ? `${step} (${targetName(ctx.target)})` : step, fn, group && !ctx.several);
}

;// CONCATENATED MODULE: ./src/core/report.ts




function escapeCell(text) {
    return text.replace(/\|/g, "\\|").replace(/\r?\n|\r/g, " ");
}
/** A fenced code block that no backticks in the text can end early. */
function codeBlock(text) {
    const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
    const fence = "`".repeat(longest + 1);
    return [fence, text, fence];
}
function verdictOf(config, outcome) {
    const { result, error } = outcome;
    if (error)
        return error instanceof errors/* CancelledError */.cc ? "⏹️ Deploy cancelled" : "❌ Deploy failed";
    if (result.plan)
        return "📝 Dry run";
    if (!config.deploy)
        return config.pushImage ? "✅ Built and pushed (deploy: false)" : "✅ Built (push and deploy: false)";
    return "✅ Deployed";
}
/** What the heading names: the target (or the first and how many more), or the image. */
function subjectOf(config, result) {
    if (!config.deploy)
        return result.image;
    const [first, ...more] = result.targets;
    const name = first ? targetName(first) : config.targets[0] ? describeTarget(config.targets[0]) : "";
    const count = Math.max(more.length, config.targets.length - 1);
    return count > 0 ? `${name} and ${String(count)} more` : name;
}
function linked(target) {
    return target.url ? `[${targetName(target)}](${target.url})` : targetName(target);
}
function deploymentCell(target) {
    if (!target)
        return "—";
    return target.deploymentId
        ? `${target.deploymentId} (${target.deploymentStatus ?? ""})`
        : (target.deploymentStatus ?? "—");
}
/** One target: its rows in the table, as they have always been. */
function oneTargetRows(config, target) {
    const kind = target?.kind ?? config.targets[0]?.kind ?? "application";
    const fallback = config.targets[0] ? describeTarget(config.targets[0]) : "";
    return [
        [kind === "compose" ? "Compose" : "Application", target ? linked(target) : fallback],
        ["Method", config.deployMethod],
        ["Deployment", deploymentCell(target)],
    ];
}
/** Several targets: a row each. */
function targetTable(targets) {
    const rows = ["| Target | Kind | Deployment | Error |", "|---|---|---|---|"];
    for (const t of targets) {
        rows.push(`| ${escapeCell(linked(t))} | ${t.kind} | ${escapeCell(deploymentCell(t))} | ${escapeCell((0,log/* cut */.Jj)(t.error ?? "", 300))} |`);
    }
    return [...rows, ""];
}
/** The job summary: what was deployed where, how it ended, and how long each step took. */
function summaryMarkdown(config, outcome) {
    const { result, error } = outcome;
    const several = config.targets.length > 1;
    const lines = [`## ${verdictOf(config, outcome)}: ${subjectOf(config, result)}`, ""];
    const rows = [
        ["Image", `\`${result.image}\``],
        ["Digest", result.digest ? `\`${result.digest}\`` : "—"],
    ];
    if (config.deploy && !several)
        rows.push(...oneTargetRows(config, result.targets[0]));
    if (config.deploy && several)
        rows.push(["Method", config.deployMethod]);
    if (result.registryId)
        rows.push(["Registry entry", result.registryId]);
    if (result.health)
        rows.push(["Health", result.health]);
    lines.push("| | |", "|---|---|", ...rows.map(([k, v]) => `| ${k} | ${escapeCell(v)} |`), "");
    if (config.deploy && several && result.targets.length > 0)
        lines.push(...targetTable(result.targets));
    if (error)
        lines.push(...codeBlock((0,log/* cut */.Jj)(error.message, log/* MESSAGE_LIMIT */.Gy)), "");
    else if (outcome.changes.length > 0) {
        lines.push("Changed in Dokploy:", "", ...outcome.changes.map((change) => `- ${escapeCell(change)}`), "");
    }
    if (result.plan)
        lines.push("Plan:", "", ...result.plan.map((p, i) => `${String(i + 1)}. \`${p}\``), "");
    if (result.timings.length > 0) {
        lines.push("| Step | Seconds |", "|---|---:|");
        for (const t of result.timings)
            lines.push(`| ${escapeCell(t.step)} | ${t.seconds.toFixed(1)} |`);
        lines.push("");
    }
    return lines.join("\n");
}

;// CONCATENATED MODULE: ./src/core/beside.ts
/**
 * Runs `work` with `check` beside it (the build beside the Dokploy preflight). The check starts
 * once the work is under way or over. The work awaits `gate.passed()` before anything that
 * must not happen unless the check passed (a push). When the check fails, the work is stopped,
 * and the check's error is the one thrown, even if the work had failed first on its own: it
 * says what to fix first. Returns the check's value.
 */
async function besideWork(work, check, cancel) {
    const stop = new AbortController();
    const onCancel = () => {
        stop.abort(cancel.reason);
    };
    cancel.addEventListener("abort", onCancel, { once: true });
    let underWay = () => undefined;
    const started = new Promise((resolve) => {
        underWay = resolve;
    });
    let pass;
    const checked = new Promise((resolve, reject) => {
        pass = { resolve, reject };
    });
    let checkFailed = false;
    checked.catch(() => {
        checkFailed = true;
        stop.abort();
    });
    try {
        const working = work({ passed: () => checked, signal: stop.signal, underWay });
        const over = working.then(() => undefined, () => undefined);
        void Promise.race([started, over]).then(check).then(pass?.resolve, pass?.reject);
        try {
            await working;
        }
        catch (error) {
            if (checkFailed)
                await checked;
            throw error;
        }
        return await checked;
    }
    finally {
        cancel.removeEventListener("abort", onCancel);
    }
}

;// CONCATENATED MODULE: ./src/core/result.ts
/** The first target's results in the single-value fields, as the outputs have always had them. */
function mirrorFirstTarget(result) {
    const [first] = result.targets;
    if (!first)
        return;
    result.deploymentId = first.deploymentId;
    result.deploymentStatus = first.deploymentStatus;
    result.applicationUrl = first.url;
    result.applicationName = first.name;
}
function outputsOf(result) {
    return {
        image: result.image,
        tag: result.tag,
        digest: result.digest ?? "",
        "image-ref-digest": result.digest ? `${result.image.slice(0, result.image.lastIndexOf(":"))}@${result.digest}` : "",
        "registry-id": result.registryId ?? "",
        "deployment-id": result.deploymentId ?? "",
        "deployment-status": result.deploymentStatus ?? "",
        "application-url": result.applicationUrl ?? "",
        targets: JSON.stringify(result.targets.map((t) => ({
            kind: t.kind,
            id: t.id,
            name: t.name ?? null,
            url: t.url ?? null,
            "deployment-id": t.deploymentId ?? null,
            "deployment-status": t.deploymentStatus ?? null,
        }))),
        health: result.health ?? "",
        imageid: result.imageId ?? "",
        metadata: result.metadata ?? "",
    };
}

;// CONCATENATED MODULE: ./src/core/stages/build.ts


const LABELLED_DOCKERFILE = "Dockerfile.labelled";
/** The user's Dockerfile, when it can be read (not from a URL or stdin). */
async function readDockerfile(ctx) {
    const { config, ports } = ctx;
    if (!ports.readText || /^[a-z]+:\/\//i.test(config.context) || config.file === "-")
        return undefined;
    return ports.readText(config.file ?? `${config.context.replace(/\/+$/, "")}/Dockerfile`);
}
/**
 * Builds the image and pushes every tag, in a temporary docker config that holds the registry
 * login and is removed when done. Nothing is pushed before the gate says Dokploy answered.
 */
async function buildAndPush(ctx, gate, hasBuildx) {
    const { config, ports, ledger } = ctx;
    const temp = await ports.createDockerConfig(config.registry, { keepLogin: !config.push });
    const remove = ledger.temporary(temp.dir, "temporary docker config (registry login)", () => temp.remove());
    try {
        const [buildx, dockerfile] = await Promise.all([hasBuildx, readDockerfile(ctx)]);
        const plan = {
            buildx,
            dockerfile,
            loginFirst: buildx || dockerfile === undefined || pullsFrom(dockerfile, config.registry),
        };
        await buildThenPush(ctx, gate, plan, temp);
    }
    finally {
        await remove().catch((error) => {
            ctx.logger.warn(`Could not remove the temporary docker config ${temp.dir}: ${String(error)}`);
        });
    }
}
async function buildThenPush(ctx, gate, plan, temp) {
    const { config, logger, result } = ctx;
    const docker = ctx.docker.withConfigDir(temp.dir);
    // The build stops when the preflight or the login fails; that failure is the one to report.
    const stopBuild = new AbortController();
    gate.signal.addEventListener("abort", () => {
        stopBuild.abort();
    });
    // Without a push, the login is for what the build pulls from the registry alone.
    const login = config.pushImage || plan.loginFirst ? logIn(ctx, docker, gate.signal) : Promise.resolve();
    // buildx waits for the check before it builds: the check runs beside the login instead.
    if (plan.buildx)
        gate.underWay();
    const loginFailed = (error) => stopBuild.signal.aborted && !gate.signal.aborted ? login.then(() => Promise.reject(error)) : Promise.reject(error);
    if (plan.loginFirst)
        await login;
    else {
        login.catch(() => {
            stopBuild.abort();
        });
    }
    const argv = await buildCommand(ctx, plan, temp);
    // buildx pushes as it builds, so it waits for the preflight; the classic build overlaps it.
    if (plan.buildx) {
        gate.underWay();
        await gate.passed();
    }
    const building = docker.build(argv, stopBuild.signal);
    gate.underWay();
    await building.catch(loginFailed);
    Object.assign(result, await readBuildOutputs(temp));
    if (!config.pushImage) {
        // buildx reports a digest without a push too; the digest output is the registry's.
        result.digest = undefined;
        logger.info(`Built ${result.image}; nothing pushed (push: false)`);
        return;
    }
    if (plan.buildx) {
        for (const ref of pushRefs(config))
            ctx.ledger.record({ kind: "pushed", ref, digest: result.digest });
    }
    else {
        await gate.passed();
        await login;
        await pushTags(ctx, docker, gate.signal);
    }
    if (result.digest)
        logger.info(`Pushed ${result.image} (${result.digest})`);
    else
        logger.warn(`Pushed ${result.image}, but docker did not report its digest`);
}
function logIn(ctx, docker, signal) {
    const { config, logger } = ctx;
    if (!config.push) {
        logger.info(`No registry-username: pushing with the credentials docker already has for ${config.registry}`);
        return Promise.resolve();
    }
    return docker.login(config.registry, config.push, signal);
}
/** The build's argv; for the classic builder, with the labels in one LABEL line of a Dockerfile copy. */
async function buildCommand(ctx, plan, temp) {
    const { config, ports } = ctx;
    await writeBuildSecrets(config.buildSecrets, temp);
    const created = ports.now();
    const labelled = plan.buildx || plan.dockerfile === undefined
        ? undefined
        : dockerfileWithLabels(plan.dockerfile, allLabels(config, created), config.target);
    return buildArgv(config, {
        buildx: plan.buildx,
        outDir: temp.dir,
        created,
        labelledDockerfile: labelled === undefined ? undefined : await temp.writeFile(LABELLED_DOCKERFILE, labelled),
    });
}
/**
 * Pushes one tag after another: pushes of the same layers at once can make a registry answer
 * 500. The deploy tag goes first (it uploads the layers; its digest is the one that counts).
 */
async function pushTags(ctx, docker, signal) {
    const [first, ...rest] = pushRefs(ctx.config);
    for (const ref of first ? [first, ...rest] : []) {
        const digest = await docker.push(ref, signal);
        ctx.ledger.record({ kind: "pushed", ref, digest });
        if (ref === first)
            ctx.result.digest = digest;
    }
}

;// CONCATENATED MODULE: ./src/core/dokploy/projects.ts


/*
 * project.all, as a live v0.30.2 answers it to an owner or admin (a member sees only what it may
 * access): every project with its environments, each with its applications and compose services
 * by id and name. The project's and environments' `env` (variables in clear text) is dropped here.
 */
const ProjectsSchema = array(object({
    projectId: schemas_string(),
    name: schemas_string(),
    environments: array(object({
        environmentId: schemas_string(),
        name: schemas_string(),
        applications: array(object({ applicationId: schemas_string(), name: schemas_string() })).default([]),
        compose: array(object({ composeId: schemas_string(), name: schemas_string() })).default([]),
    })),
}));

/** Edit distance between two short strings (names), case-insensitive. */
function distance(a, b) {
    const x = a.toLowerCase();
    const y = b.toLowerCase();
    let previous = Array.from({ length: y.length + 1 }, (_, i) => i);
    for (let i = 1; i <= x.length; i++) {
        const current = [i];
        for (let j = 1; j <= y.length; j++) {
            const cost = x[i - 1] === y[j - 1] ? 0 : 1;
            current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost));
        }
        previous = current;
    }
    return previous[y.length] ?? 0;
}
/** The names closest to `wanted`, closest first: same but for case, containing it, or a few edits away. */
function closeMatches(wanted, names, limit = 3) {
    const lower = wanted.toLowerCase();
    const scored = [...new Set(names)]
        .map((name) => {
        const other = name.toLowerCase();
        const score = other === lower ? 0 : other.includes(lower) || lower.includes(other) ? 1 : 1 + distance(name, wanted);
        return { name, score };
    })
        .filter(({ score }) => score <= 1 || score - 1 <= Math.max(2, Math.floor(wanted.length / 3)));
    return scored
        .sort((a, b) => a.score - b.score || a.name.localeCompare(b.name))
        .slice(0, limit)
        .map(({ name }) => name);
}
/** "Did you mean …? Applications: …" for a name that was not found. */
function suggestions(wanted, names, what) {
    const close = closeMatches(wanted, names);
    const meant = close.length > 0 ? ` Did you mean ${close.map((n) => `"${n}"`).join(" or ")}?` : "";
    if (names.length === 0)
        return `${meant} There are none.`;
    const listed = names.slice(0, 20).join(", ");
    return `${meant} ${what.charAt(0).toUpperCase()}${what.slice(1)}: ${listed}${names.length > 20 ? ", …" : ""}.`;
}
/** The one row named as wanted; a ConfigError naming the input when there is none, or more than one. */
function pickOne(lookup) {
    const { rows, wanted, input, where, what } = lookup;
    const found = rows.filter((row) => lookup.name(row) === wanted);
    if (found.length === 1 && found[0] !== undefined)
        return found[0];
    if (found.length > 1) {
        const ids = found.map(lookup.id).join(", ");
        throw new errors/* ConfigError */.xL(input, `${String(found.length)} ${what} are named "${wanted}"${where} (ids ${ids}); give the id instead`);
    }
    const names = rows.map(lookup.name);
    throw new errors/* ConfigError */.xL(input, `no ${what.replace(/s$/, "")} "${wanted}"${where}.${suggestions(wanted, names, what)}`);
}
/**
 * Finds each named target in project/environment. Throws a ConfigError (exit 2) naming the input,
 * with the closest names, when a name is not found or names several.
 */
function resolveNames(projects, place, named) {
    const project = pickOne({
        rows: projects,
        name: (p) => p.name,
        id: (p) => p.projectId,
        wanted: place.project,
        input: "project",
        where: " that the API key's user can see",
        what: "projects",
    });
    const environment = pickOne({
        rows: project.environments,
        name: (e) => e.name,
        id: (e) => e.environmentId,
        wanted: place.environment,
        input: "dokploy-environment",
        where: ` in project "${project.name}"`,
        what: "environments",
    });
    const where = ` in ${project.name}/${environment.name}`;
    return named.map((target) => {
        if (target.kind === "application") {
            const app = pickOne({
                rows: environment.applications,
                name: (a) => a.name,
                id: (a) => a.applicationId,
                wanted: target.name,
                input: "application",
                where,
                what: "applications",
            });
            return { kind: "application", id: app.applicationId };
        }
        const compose = pickOne({
            rows: environment.compose,
            name: (c) => c.name,
            id: (c) => c.composeId,
            wanted: target.name,
            input: "compose",
            where,
            what: "compose services",
        });
        return { kind: "compose", id: compose.composeId };
    });
}

;// CONCATENATED MODULE: ./src/core/dokploy/procedures.ts



/*
 * The procedures this project calls, with their inputs as the server wants them (every
 * nullable key present) and their answers checked. Unknown keys are dropped on parse, so
 * plain-text passwords in answers stay only where a caller needs them.
 */
const nullableString = schemas_string().nullish();
const ApplicationSchema = object({
    applicationId: schemas_string(),
    name: schemas_string(),
    appName: nullableString,
    sourceType: nullableString,
    // Where a git-sourced application builds from (null on a new application).
    owner: nullableString,
    repository: nullableString,
    gitlabRepository: nullableString,
    bitbucketRepository: nullableString,
    giteaRepository: nullableString,
    customGitUrl: nullableString,
    applicationStatus: nullableString,
    dockerImage: nullableString,
    username: nullableString,
    password: nullableString,
    registryUrl: nullableString,
    serverId: nullableString,
    projectId: nullableString,
    environmentId: nullableString,
    environment: object({
        environmentId: schemas_string(),
        projectId: schemas_string(),
        project: object({ projectId: schemas_string(), name: schemas_string() }).nullish(),
    })
        .nullish(),
    /** Only how many there are counts: an application that deployed from its source has some. */
    deployments: array(unknown())
        .nullish()
        .transform((rows) => (rows ?? []).length),
});
const RegistrySchema = object({
    registryId: schemas_string(),
    registryName: schemas_string(),
    imagePrefix: nullableString,
    username: schemas_string(),
    password: nullableString,
    registryUrl: schemas_string(),
    registryType: nullableString,
    serverId: nullableString,
});
const DeploymentStatusSchema = schemas_enum(["running", "done", "error", "cancelled"]);
const DeploymentSchema = object({
    deploymentId: schemas_string(),
    title: nullableString,
    description: nullableString,
    status: schemas_string(),
    logPath: nullableString,
    serverId: nullableString,
    createdAt: nullableString,
    startedAt: nullableString,
    finishedAt: nullableString,
    errorMessage: nullableString,
});
/** `docker inspect` of the swarm service (docker.getConfig with the app name): what it is set to run. */
const ServiceSchema = object({
    Spec: object({
        TaskTemplate: object({ ContainerSpec: object({ Image: schemas_string() }) }),
    }),
    UpdateStatus: object({ State: schemas_string().nullish(), Message: schemas_string().nullish() }).nullish(),
});
/** One task of the service (docker.getServiceContainersByAppName): `docker service ps` in fields. */
const TaskSchema = object({
    containerId: schemas_string(),
    /** The desired state, lower case: running, shutdown, … */
    state: schemas_string(),
    /** "Running 7 seconds ago", "Rejected 1 second ago", … */
    currentState: schemas_string(),
    /** Swarm's error; Dokploy gives "Error:" or "" when there is none. */
    error: schemas_string().nullish(),
});
/** `docker inspect` of a task: the image it runs. */
const TaskSpecSchema = object({ Spec: object({ ContainerSpec: object({ Image: schemas_string() }) }) });
function procedures_check(procedure, schema, value) {
    const result = schema.safeParse(value);
    if (!result.success) {
        const first = result.error.issues[0];
        const where = first ? `${first.path.join(".") || "(answer)"}: ${first.message}` : "";
        throw new errors/* DokployError */.RI(procedure, 200, `Dokploy ${procedure}: unexpected answer (${where}). Is this a Dokploy server of v0.25 or newer?`);
    }
    return result.data;
}
/** The input key that names a service of a kind. */
function idKeyOf(ref) {
    return ref.kind === "application" ? "applicationId" : "composeId";
}
/** Typed procedures over a client. */
class Dokploy {
    client;
    constructor(client) {
        this.client = client;
    }
    /**
     * The application, checked to be the one asked for: what is saved and redeployed (and
     * rolled back to) is read from this answer, so one about another application (a cache or
     * proxy that ignores the query string) must stop the run before anything is changed.
     */
    async applicationOne(applicationId) {
        const value = await this.client.query("application.one", { applicationId });
        const app = procedures_check("application.one", ApplicationSchema, value);
        if (app.applicationId !== applicationId) {
            throw new errors/* DokployError */.RI("application.one", 200, `Dokploy application.one answered about application ${app.applicationId}, not ${applicationId} that was asked for. A cache or proxy in front of Dokploy may ignore the query string; nothing was changed.`);
        }
        return app;
    }
    async registryAll() {
        const value = await this.client.query("registry.all");
        return procedures_check("registry.all", array(RegistrySchema), value);
    }
    async registryCreate(fields) {
        const input = { ...fields, registryType: "cloud" };
        const value = await this.client.mutation("registry.create", input);
        return procedures_check("registry.create", RegistrySchema, value);
    }
    async registryUpdate(registryId, changes) {
        await this.client.mutation("registry.update", { registryId, ...changes }, { retry: true });
    }
    async saveDockerProvider(provider) {
        // All five keys, always: a missing nullable key is a 400 since v0.28.0.
        await this.client.mutation("application.saveDockerProvider", {
            applicationId: provider.applicationId,
            dockerImage: provider.dockerImage,
            username: provider.username,
            password: provider.password,
            registryUrl: provider.registryUrl,
        }, { retry: true });
    }
    /** Queues a deployment of an application or a compose service. */
    async trigger(method, ref, title, description) {
        await this.client.mutation(`${ref.kind}.${method}`, { [idKeyOf(ref)]: ref.id, title, description });
    }
    /** Every project the key's user can see, with its environments and their services by name. */
    async projects() {
        return procedures_check("project.all", ProjectsSchema, await this.client.query("project.all"));
    }
    /** The server's version, e.g. "v0.30.2". */
    async version() {
        return procedures_check("settings.getDokployVersion", schemas_string(), await this.client.query("settings.getDokployVersion"));
    }
    /** The swarm service of an application; undefined when there is none (Dokploy answers null). */
    async service(appName, serverId) {
        const input = { containerId: appName, ...(serverId ? { serverId } : {}) };
        const value = await this.client.query("docker.getConfig", input);
        return value ? procedures_check("docker.getConfig", ServiceSchema, value) : undefined;
    }
    /** The image a task runs; undefined when Dokploy could not inspect it. */
    async taskImage(taskId, serverId) {
        const input = { containerId: taskId, ...(serverId ? { serverId } : {}) };
        const value = await this.client.query("docker.getConfig", input);
        return value ? procedures_check("docker.getConfig", TaskSpecSchema, value).Spec.ContainerSpec.Image : undefined;
    }
    /** The tasks of an application's swarm service, newest first. */
    async serviceTasks(appName, serverId) {
        const input = { appName, ...(serverId ? { serverId } : {}) };
        const value = await this.client.query("docker.getServiceContainersByAppName", input);
        return procedures_check("docker.getServiceContainersByAppName", array(TaskSchema), value ?? []);
    }
    /** The deployments of a service, newest first (deployment.all or deployment.allByCompose). */
    async deployments(ref) {
        const procedure = ref.kind === "application" ? "deployment.all" : "deployment.allByCompose";
        const value = await this.client.query(procedure, { [idKeyOf(ref)]: ref.id });
        return procedures_check(procedure, array(DeploymentSchema), value);
    }
}
/** Link to the application in Dokploy's dashboard. */
function applicationUrl(baseUrl, app) {
    const projectId = app.environment?.projectId ?? app.projectId;
    const environmentId = app.environment?.environmentId ?? app.environmentId;
    if (projectId && environmentId) {
        return `${baseUrl}/dashboard/project/${projectId}/environment/${environmentId}/services/application/${app.applicationId}`;
    }
    if (projectId)
        return `${baseUrl}/dashboard/project/${projectId}/services/application/${app.applicationId}`;
    return `${baseUrl}/dashboard/projects`;
}

;// CONCATENATED MODULE: ./src/core/stages/provider.ts

/** The provider Dokploy will pull with: all five keys, nulls for a public image. */
function dockerProviderOf(config, applicationId, digest) {
    const ref = imageRef(config.image, config.tag);
    return {
        applicationId,
        dockerImage: config.pinDigest && digest ? `${ref}@${digest}` : ref,
        username: config.pull?.username ?? null,
        password: config.pull?.password ?? null,
        registryUrl: config.pull ? dokployRegistryUrl(config.image.registry) : null,
    };
}
/** What the application ran before we changed it, for a rollback; undefined if not a Docker image. */
function previousProvider(app) {
    if (app.sourceType !== "docker" || !app.dockerImage)
        return undefined;
    return {
        applicationId: app.applicationId,
        dockerImage: app.dockerImage,
        username: app.username ?? null,
        password: app.password ?? null,
        registryUrl: app.registryUrl ?? null,
    };
}

;// CONCATENATED MODULE: ./src/core/stages/source.ts

/** Where the application builds from, in words, when it is set up to build from a source. */
function configuredSource(app) {
    const repository = {
        github: app.repository ? `${app.owner ? `${app.owner}/` : ""}${app.repository}` : undefined,
        gitlab: app.gitlabRepository,
        bitbucket: app.bitbucketRepository,
        gitea: app.giteaRepository,
        git: app.customGitUrl,
    };
    const from = repository[app.sourceType ?? ""];
    if (from)
        return `its ${app.sourceType ?? ""} source (${from})`;
    return app.deployments > 0 ? `its ${app.sourceType ?? ""} source` : undefined;
}
/**
 * An application that builds from git (or any source but an image) is switched to the image
 * only when the user says so: given by mistake, it would silently stop building from its
 * source. A new application, with no source set up and nothing deployed, is simply set.
 */
function checkSource(app, config, logger, image) {
    const givenBy = config.targets.some((t) => t.kind === "application" && t.id === app.applicationId)
        ? "application-id"
        : "application (and project, dokploy-environment)";
    if (!app.sourceType || app.sourceType === "docker")
        return;
    const source = configuredSource(app);
    if (!source) {
        logger.info(`The application has no ${app.sourceType} source set up yet; it is set to the Docker image ${image}.`);
        return;
    }
    const what = `Application "${app.name}" (${app.applicationId}) deploys from ${source}`;
    if (!config.switchSource) {
        throw new errors/* DeployError */.sH(`${what}; this step would switch it to the Docker image ${image}. Set switch-source: true to do that, or check ${givenBy}.`);
    }
    logger.warn(`${what}; with switch-source: true it is switched to the Docker image ${image}.`);
}

;// CONCATENATED MODULE: ./src/core/stages/application.ts





/** The application exists; returns what it ran before, and how to put that back. */
async function checkApplication(ctx) {
    const { config, logger, result, redactor, target } = ctx;
    const app = await ctx.dokploy.applicationOne(target.id);
    // application.one answers with the pull password in plain text: mask it like ours.
    redactor.add(app.password);
    target.name = app.name;
    target.url = applicationUrl(config.dokployUrl, app);
    logger.info(`Application "${app.name}" (${target.id}), source ${app.sourceType ?? "unknown"}: ${target.url}`);
    checkSource(app, config, logger, result.image);
    const provider = previousProvider(app);
    return {
        was: provider?.dockerImage ?? (app.sourceType ? `its ${app.sourceType} source` : undefined),
        restore: provider ? () => ctx.dokploy.saveDockerProvider(provider) : undefined,
    };
}
/** Points the application at the image (saveDockerProvider, all five keys); returns the image saved. */
async function pointApplication(ctx, before) {
    const { config, logger, result, ledger, target } = ctx;
    const provider = dockerProviderOf(config, target.id, result.digest);
    await timedTarget(ctx, "Point the application at the image", async () => {
        const change = { application: target.name ?? target.id, from: before.was };
        try {
            await ctx.dokploy.saveDockerProvider(provider);
        }
        catch (error) {
            // An answer lost after the request was sent: Dokploy may have carried it out.
            if (error instanceof errors/* DokployError */.RI && error.ambiguous) {
                ledger.record({ kind: "provider", ...change, to: provider.dockerImage, uncertain: true });
            }
            throw error;
        }
        ledger.record({ kind: "provider", ...change, to: provider.dockerImage });
        logger.info(`Application ${target.id} now runs ${result.image}${config.pull ? ` (pulled as ${config.pull.username})` : " (public image)"}`);
    });
    return provider.dockerImage;
}

;// CONCATENATED MODULE: ./src/core/dokploy/compose.ts



/*
 * The compose procedures this project calls (v0.30.2, seen live): compose.one answers every
 * column, the env (the variables, in clear text) among them; compose.saveEnvironment wants
 * {composeId, env} with env present (a missing key is 400 "expected nonoptional"); deploy and
 * redeploy take {composeId, title?, description?} and answer {success, message, composeId}.
 */
const compose_nullableString = schemas_string().nullish();
const ComposeSchema = object({
    composeId: schemas_string(),
    name: schemas_string(),
    appName: schemas_string(),
    /** "docker-compose" or "stack". */
    composeType: schemas_string(),
    sourceType: compose_nullableString,
    composeFile: compose_nullableString,
    env: compose_nullableString,
    serverId: compose_nullableString,
    environmentId: compose_nullableString,
    environment: object({
        environmentId: schemas_string(),
        projectId: schemas_string(),
        project: object({ projectId: schemas_string(), name: schemas_string() }).nullish(),
    })
        .nullish(),
});
/**
 * The compose service, checked to be the one asked for: its env is written back with our
 * variables set, so an answer about another one (a cache or proxy that ignores the query
 * string) would copy that one's variables into this one.
 */
async function composeOne(dokploy, composeId) {
    const value = await dokploy.client.query("compose.one", { composeId });
    const parsed = ComposeSchema.safeParse(value);
    if (!parsed.success) {
        throw new errors/* DokployError */.RI("compose.one", 200, "Dokploy compose.one: unexpected answer. Is this a Dokploy server of v0.26 or newer?");
    }
    if (parsed.data.composeId !== composeId) {
        throw new errors/* DokployError */.RI("compose.one", 200, `Dokploy compose.one answered about compose ${parsed.data.composeId}, not ${composeId} that was asked for. A cache or proxy in front of Dokploy may ignore the query string.`);
    }
    return parsed.data;
}
/** A message with every line of `env` in it (as sent, or JSON-escaped as a server echoes it) masked. */
function withoutVariables(message, env) {
    const lines = env.split(/\r?\n/).filter((line) => line.trim().length >= 4);
    const forms = lines.flatMap((line) => [line, JSON.stringify(line).slice(1, -1)]);
    let out = message;
    for (const form of forms.sort((a, b) => b.length - a.length))
        out = out.split(form).join("***");
    return out;
}
/**
 * Writes the compose's variables (the whole text: Dokploy keeps no other form). Safe to repeat.
 * They are the user's, secrets among them: an error that echoes the request does not show them.
 */
async function saveComposeEnv(dokploy, composeId, env) {
    try {
        await dokploy.client.mutation("compose.saveEnvironment", { composeId, env }, { retry: true });
    }
    catch (error) {
        if (error instanceof Error)
            error.message = withoutVariables(error.message, env);
        throw error;
    }
}
/** The tasks of a stack's services (docker stack ps), newest first. */
async function stackTasks(dokploy, appName, serverId) {
    const input = { appName, ...(serverId ? { serverId } : {}) };
    const value = await dokploy.client.query("docker.getStackContainersByAppName", input);
    const parsed = array(TaskSchema.extend({ name: schemas_string() })).safeParse(value ?? []);
    if (!parsed.success) {
        throw new errors/* DokployError */.RI("docker.getStackContainersByAppName", 200, "Dokploy docker.getStackContainersByAppName: unexpected answer");
    }
    return parsed.data;
}
/** Link to the compose service in Dokploy's dashboard. */
function composeUrl(baseUrl, compose) {
    const projectId = compose.environment?.projectId;
    const environmentId = compose.environment?.environmentId ?? compose.environmentId;
    if (projectId && environmentId) {
        return `${baseUrl}/dashboard/project/${projectId}/environment/${environmentId}/services/compose/${compose.composeId}`;
    }
    return `${baseUrl}/dashboard/projects`;
}

;// CONCATENATED MODULE: ./src/core/env-file.ts
/*
 * A compose service's variables, as Dokploy keeps them: dotenv text (`KEY=value` lines, comments,
 * blank lines, optional `export `). We change our variables' lines and nothing else: every other
 * byte stays as it was.
 */
function definition(name) {
    return new RegExp(`^\\s*(?:export\\s+)?${name}\\s*=(.*)$`);
}
/** A value as dotenv reads it: quotes removed, a trailing comment dropped from a bare value. */
function unquote(raw) {
    const value = raw.trim();
    const quote = value[0];
    if ((quote === '"' || quote === "'" || quote === "`") && value.length >= 2) {
        const end = value.indexOf(quote, 1);
        if (end > 0)
            return value.slice(1, end);
    }
    return value.replace(/\s+#.*$/, "");
}
function linesOf(env) {
    const eol = env.includes("\r\n") ? "\r\n" : "\n";
    return { lines: env === "" ? [] : env.split(eol), eol };
}
/** The value of a variable (its last definition, as dotenv reads it); undefined when it has none. */
function readVariable(env, name) {
    let value;
    for (const line of linesOf(env ?? "").lines) {
        const match = definition(name).exec(line);
        if (match)
            value = unquote(match[1] ?? "");
    }
    return value;
}
/**
 * The text with each variable set: its definitions replaced where they are, else added at the
 * end. A value of undefined removes the variable's lines (to put back an env that did not have it).
 */
function setVariables(env, values) {
    const { lines, eol } = linesOf(env ?? "");
    const done = new Set();
    const out = [];
    for (const line of lines) {
        const name = Object.keys(values).find((n) => definition(n).test(line));
        if (name === undefined) {
            out.push(line);
            continue;
        }
        const value = values[name];
        if (value !== undefined)
            out.push(`${name}=${value}`);
        done.add(name);
    }
    const added = Object.entries(values).flatMap(([name, value]) => done.has(name) || value === undefined ? [] : [`${name}=${value}`]);
    if (added.length === 0)
        return out.join(eol);
    // Keep a final newline where there was one, and add ours before it.
    const endsWithNewline = out.length > 0 && out.at(-1) === "";
    const body = endsWithNewline ? out.slice(0, -1) : out;
    return [...body, ...added, ...(endsWithNewline ? [""] : [])].join(eol);
}

;// CONCATENATED MODULE: ./src/core/stages/compose.ts





/** The values our variables get: the reference to deploy, and the tag. */
function ourValues(ctx) {
    const { config, result } = ctx;
    const ref = imageRef(config.image, config.tag);
    const image = config.pinDigest && result.digest ? `${ref}@${result.digest}` : ref;
    return { [config.imageVariable]: image, [config.tagVariable]: config.tag };
}
/** A compose file Dokploy holds (raw source) that uses neither variable would not run the new image. */
function refuseFileWithoutVariables(ctx, compose) {
    const { config } = ctx;
    const file = compose.composeFile ?? "";
    if (compose.sourceType !== "raw" || file.trim() === "")
        return;
    const uses = (name) => new RegExp(`\\$\\{?${name}\\b`).test(file);
    if (uses(config.imageVariable) || uses(config.tagVariable))
        return;
    throw new errors/* DeployError */.sH(`Compose "${compose.name}" (${compose.composeId}): its compose file uses neither \${${config.imageVariable}} nor \${${config.tagVariable}}, so a deployment would not run the new image. Write image: \${${config.imageVariable}} in it (or set image-variable / tag-variable to the names it uses).`);
}
/**
 * The compose service exists; returns what our variables held before, and how to put them back
 * (only them: the other variables are read again at that moment and kept).
 */
async function checkCompose(ctx) {
    const { config, logger, target } = ctx;
    const compose = await composeOne(ctx.dokploy, target.id);
    target.name = compose.name;
    target.url = composeUrl(config.dokployUrl, compose);
    logger.info(`Compose "${compose.name}" (${target.id}), type ${compose.composeType}, source ${compose.sourceType ?? "unknown"}: ${target.url}`);
    refuseFileWithoutVariables(ctx, compose);
    const previous = Object.fromEntries(Object.keys(ourValues(ctx)).map((name) => [name, readVariable(compose.env, name)]));
    const was = previous[config.imageVariable] ?? previous[config.tagVariable];
    return {
        was,
        restore: was === undefined
            ? undefined
            : async () => {
                await writeVariables(ctx, previous);
            },
    };
}
/** Sets our variables in the compose's env as it is now, keeping every other line; returns what they held. */
async function writeVariables(ctx, values) {
    // Read again right before writing: the env may have changed since the check, minutes ago.
    const { env } = await composeOne(ctx.dokploy, ctx.target.id);
    const before = Object.fromEntries(Object.keys(values).map((name) => [name, readVariable(env, name)]));
    await saveComposeEnv(ctx.dokploy, ctx.target.id, setVariables(env, values));
    return before;
}
/** Points the compose at the image: our variables set in its environment. Returns the image reference. */
async function pointCompose(ctx) {
    const { ledger, logger, target } = ctx;
    const values = ourValues(ctx);
    const to = Object.entries(values);
    await timedTarget(ctx, "Set the image in the compose's environment", async () => {
        let before = {};
        try {
            before = await writeVariables(ctx, values);
        }
        catch (error) {
            if (error instanceof errors/* DokployError */.RI && error.ambiguous && error.procedure === "compose.saveEnvironment") {
                const variables = to.map(([name, value]) => ({ name, to: value }));
                ledger.record({ kind: "compose-env", compose: target.name ?? target.id, variables, uncertain: true });
            }
            throw error;
        }
        const variables = to.map(([name, value]) => ({ name, from: before[name], to: value }));
        ledger.record({ kind: "compose-env", compose: target.name ?? target.id, variables });
        logger.info(`Compose ${target.id} now has ${to.map(([n, v]) => `${n}=${v}`).join(", ")} in its environment`);
    });
    return values[ctx.config.imageVariable] ?? "";
}

;// CONCATENATED MODULE: ./src/core/stages/verify.ts


/** How often to look at the swarm service while it converges. */
const VERIFY_POLL_MS = 1_000;
/** Splits `repo:tag@sha256:…` into the reference and the digest. */
function splitDigest(image) {
    const at = image.indexOf("@");
    return at < 0 ? { ref: image } : { ref: image.slice(0, at), digest: image.slice(at + 1) };
}
/**
 * Whether a running image is ours: the same reference; and the same digest where both are
 * known (swarm adds the digest it resolved when it could ask the registry).
 */
function isSameImage(running, ours, pushedDigest) {
    if (!running)
        return false;
    const a = splitDigest(running);
    const b = splitDigest(ours);
    if (a.ref !== b.ref)
        return false;
    const expected = b.digest ?? pushedDigest;
    return !a.digest || !expected || a.digest === expected;
}
/** Swarm's error on a task, without Dokploy's empty "Error:" placeholder. */
function taskError(task) {
    const text = (task.error ?? "")
        .replace(/^Error:$/, "")
        .replace(/^"|"$/g, "")
        .trim();
    return text || undefined;
}
/** Swarm gave up on the update: it rolled the service back, or paused it after a failed task. */
function gaveUp(service) {
    const state = service?.UpdateStatus?.State ?? "";
    return state.startsWith("rollback") || state === "paused";
}
async function look(ctx, swarm, ours) {
    const service = await ctx.dokploy.service(swarm.name, swarm.serverId);
    const state = service?.UpdateStatus?.State ?? "";
    const tasks = await swarm.tasks();
    const lastError = tasks.map(taskError).find((e) => e !== undefined);
    if (!service || state === "updating" || gaveUp(service))
        return { service, lastError };
    if (!isSameImage(service.Spec.TaskTemplate.ContainerSpec.Image, ours, ctx.result.digest)) {
        return { service, lastError };
    }
    const running = tasks.filter((t) => t.state === "running" && t.currentState.startsWith("Running"));
    for (const task of running.slice(0, 3)) {
        const image = await ctx.dokploy.taskImage(task.containerId, swarm.serverId);
        if (isSameImage(image, ours, ctx.result.digest))
            return { service, running: image, lastError };
    }
    return { service, lastError };
}
/** Why our image does not run, from the last look at the service. */
function notRunning(ctx, swarm, seen, ours) {
    const { service, lastError } = seen;
    const update = service?.UpdateStatus;
    const image = service?.Spec.TaskTemplate.ContainerSpec.Image;
    const why = !service
        ? `Dokploy has no swarm service for ${swarm.what}`
        : update?.State?.startsWith("rollback")
            ? `Docker Swarm rolled the service back to ${image ?? "?"} (${update.State}: ${update.Message ?? ""})`
            : update?.State === "paused"
                ? `Docker Swarm paused the update of ${swarm.name} (${update.Message ?? ""})`
                : `the service is set to run ${image ?? "?"}${update?.State ? ` (update ${update.State})` : ""}, and no task of ${ours} is running after ${String(ctx.config.verifyTimeoutSeconds)} s (verify-timeout)`;
    return new errors/* NotRunningError */.bb(`Dokploy says the deployment is done, but ${ours} is not running: ${why}.${lastError ? ` Swarm says: ${lastError}` : ""} See ${ctx.target.url ?? ctx.config.dokployUrl}`);
}
/** Waits briefly for swarm to run our image in the service; throws NotRunningError when it does not. */
async function waitForSwarm(ctx, swarm, ours) {
    const deadline = ctx.ports.clock() + ctx.config.verifyTimeoutSeconds * 1000;
    for (;;) {
        const seen = await look(ctx, swarm, ours);
        if (seen.running)
            return seen.running;
        if (gaveUp(seen.service) || ctx.ports.clock() >= deadline)
            throw notRunning(ctx, swarm, seen, ours);
        await ctx.ports.sleep(VERIFY_POLL_MS);
    }
}
/** A later run pointed the target at its image: ours is not what runs, by design. */
function superseded(ctx, theirs, ours) {
    const { config, target, logger } = ctx;
    target.deploymentStatus = "superseded";
    const message = `Superseded: the ${ctx.ref.kind} now holds ${theirs ?? "no image"}, not ${ours}; a later run deployed over this one. Not rolling back.`;
    if (config.failOnSuperseded)
        throw new errors/* DeployError */.sH(`${message} (fail-on-superseded)`);
    logger.warn(message);
}
/**
 * After Dokploy says done: the application still holds our image (else superseded), and swarm
 * runs a task of it (else not-running, with swarm's reason). Without the permission to read
 * Docker, says so once and trusts the application row.
 */
async function verifyApplication(ctx, ours) {
    const { config, target, logger } = ctx;
    if (!config.verifyRunning)
        return;
    await timedTarget(ctx, "Check what runs", async () => {
        const app = await ctx.dokploy.applicationOne(target.id);
        if (app.dockerImage !== ours)
            return superseded(ctx, app.dockerImage, ours);
        if (!app.appName)
            return;
        const { appName, serverId } = app;
        const swarm = {
            name: appName,
            serverId,
            what: "the application",
            tasks: () => ctx.dokploy.serviceTasks(appName, serverId),
        };
        try {
            const running = await waitForSwarm(ctx, swarm, ours);
            logger.info(`Docker Swarm runs ${running} for ${app.appName}.`);
        }
        catch (error) {
            if (!(error instanceof errors/* DokployError */.RI) || (error.status !== 401 && error.status !== 403)) {
                if (error instanceof errors/* NotRunningError */.bb)
                    target.deploymentStatus = "not-running";
                throw error;
            }
            warnNoDockerRead(ctx, error, `the application, which holds ${ours}`);
        }
    });
}
/** Without the permission to read Docker: says so, and what is trusted instead. */
function warnNoDockerRead(ctx, error, trusted) {
    ctx.logger.warn(`Could not ask Dokploy what Docker Swarm runs (${error.procedure}: HTTP ${String(error.status)}; the API key needs the permission to read Docker). Trusting ${trusted}.`);
}

;// CONCATENATED MODULE: ./src/core/stages/stack.ts





/** The service a stack task belongs to: <appName>_<service>.<slot> (or .<node id> in global mode). */
function serviceOfTask(taskName) {
    return taskName.replace(/\.[^.]+$/, "");
}
/** An image reference without its tag and digest: ghcr.io/acme/web:1@sha256:… -> ghcr.io/acme/web. */
function repositoryOf(image) {
    const name = image.split("@")[0] ?? image;
    const slash = name.lastIndexOf("/");
    const colon = name.lastIndexOf(":");
    return colon > slash ? name.slice(0, colon) : name;
}
/** The stack's services whose image comes from our repository: the ones the compose file points at ours. */
async function ourServices(ctx, compose, ours) {
    const tasks = await stackTasks(ctx.dokploy, compose.appName, compose.serverId);
    const all = [...new Set(tasks.map((t) => serviceOfTask(t.name)))];
    const specs = await Promise.all(all.map(async (name) => ({ name, service: await ctx.dokploy.service(name, compose.serverId) })));
    const repository = repositoryOf(ours);
    const mine = specs.flatMap(({ name, service }) => service && repositoryOf(service.Spec.TaskTemplate.ContainerSpec.Image) === repository ? [name] : []);
    return { mine, all };
}
/**
 * Every service of the stack that runs our repository runs our image (swarm may take a moment);
 * a stack where no service uses our repository did not take the image at all.
 */
async function waitForStack(ctx, compose, ours) {
    const deadline = ctx.ports.clock() + ctx.config.verifyTimeoutSeconds * 1000;
    for (;;) {
        const { mine, all } = await ourServices(ctx, compose, ours);
        if (mine.length > 0) {
            const swarm = (name) => ({
                name,
                serverId: compose.serverId,
                what: `service ${name} of the stack`,
                tasks: async () => (await stackTasks(ctx.dokploy, compose.appName, compose.serverId)).filter((t) => serviceOfTask(t.name) === name),
            });
            await Promise.all(mine.map((name) => waitForSwarm(ctx, swarm(name), ours)));
            return mine;
        }
        if (ctx.ports.clock() >= deadline) {
            throw new errors/* NotRunningError */.bb(`Dokploy says the deployment is done, but no service of the stack ${compose.appName} runs ${repositoryOf(ours)} (its services: ${all.join(", ") || "none"}). Does the compose file say image: \${${ctx.config.imageVariable}}? See ${ctx.target.url ?? ctx.config.dokployUrl}`);
        }
        await ctx.ports.sleep(VERIFY_POLL_MS);
    }
}
/**
 * After Dokploy says done: the compose still holds our image in its environment (else
 * superseded); for a stack, every swarm service of it that runs our repository runs our image.
 * A docker-compose service's containers are not looked at: Dokploy answers nothing about
 * their images here (see the README).
 */
async function verifyCompose(ctx, ours) {
    const { config, target, logger } = ctx;
    if (!config.verifyRunning)
        return;
    await timedTarget(ctx, "Check what runs", async () => {
        const compose = await composeOne(ctx.dokploy, target.id);
        const held = readVariable(compose.env, config.imageVariable);
        if (held !== ours)
            return superseded(ctx, held, ours);
        if (compose.composeType !== "stack") {
            logger.info(`The compose holds ${ours}; docker compose started its containers (their images are not checked).`);
            return;
        }
        try {
            const services = await waitForStack(ctx, compose, ours);
            logger.info(`Docker Swarm runs ${ours} for ${services.join(", ")}.`);
        }
        catch (error) {
            if (!(error instanceof errors/* DokployError */.RI) || (error.status !== 401 && error.status !== 403)) {
                if (error instanceof errors/* NotRunningError */.bb)
                    target.deploymentStatus = "not-running";
                throw error;
            }
            warnNoDockerRead(ctx, error, `the compose's environment, which holds ${ours}`);
        }
    });
}

;// CONCATENATED MODULE: ./src/core/stages/kinds.ts




/*
 * What differs between an application and a compose service: how it is read, how it is pointed
 * at the image, and how what runs is checked. Triggering and following are the same for both.
 */
/** Reads the target before anything changes: it exists, and what it ran. */
function checkTarget(ctx) {
    return ctx.ref.kind === "application" ? checkApplication(ctx) : checkCompose(ctx);
}
/** Points the target at our image; returns the image saved. */
function writeTarget(ctx, before) {
    return ctx.ref.kind === "application" ? pointApplication(ctx, before) : pointCompose(ctx);
}
/** After Dokploy says done: what really runs is ours. */
function verifyTarget(ctx, ours) {
    return ctx.ref.kind === "application" ? verifyApplication(ctx, ours) : verifyCompose(ctx, ours);
}

;// CONCATENATED MODULE: ./src/core/stages/dokploy.ts





/**
 * Loads the HTTP client (while docker works: not before the build starts) and makes the
 * Dokploy client for the rest of the run.
 */
async function connectToDokploy(ctx) {
    const { config, logger, redactor } = ctx;
    const { remote, dispatcher } = await goOnline(ctx);
    const client = new remote.DokployClient({
        baseUrl: config.dokployUrl,
        apiKey: config.apiKey,
        transport: config.transport,
        logger,
        redactor,
        dispatcher,
        timeoutMs: config.requestTimeoutSeconds * 1000,
        retry: ctx.policy,
        retryPorts: ctx.retryPorts,
        signal: ctx.signal,
    });
    return { ...ctx, remote, dispatcher, dokploy: new Dokploy(client) };
}
/** Loads the HTTP client and its connection pool (while docker works: not before the build starts). */
async function goOnline(ctx) {
    const { ports } = ctx;
    ports.whileDockerWorks?.();
    const remote = await Promise.all(/* import() */[__nccwpck_require__.e(752), __nccwpck_require__.e(328)]).then(__nccwpck_require__.bind(__nccwpck_require__, 6328));
    const dispatcher = (await ports.loadDispatcher?.()) ?? ports.dispatcher;
    return { ...ctx, remote, dispatcher };
}
/** Dokploy keeps deployment titles and descriptions, by which a run finds its own, since v0.25.0. */
const OLDEST_FOLLOWED = [0, 25, 0];
/** The server's version; undefined when it does not say (older servers, or a key that may not ask). */
async function readVersion(ctx) {
    try {
        const version = await ctx.dokploy.version();
        ctx.logger.info(`Dokploy ${version}`);
        return version;
    }
    catch (error) {
        ctx.logger.debug(`Dokploy did not say its version: ${(0,errors/* errorMessage */.gJ)(error)}`);
        return undefined;
    }
}
/** Refuses a server too old to tell our deployment from others, before anything is pushed. */
function refuseOldVersion(version) {
    const parts = /^v?(\d+)\.(\d+)\.(\d+)/
        .exec(version ?? "")
        ?.slice(1)
        .map(Number);
    if (!parts)
        return;
    for (const [i, part] of parts.entries()) {
        const oldest = OLDEST_FOLLOWED[i] ?? 0;
        if (part > oldest)
            return;
        if (part < oldest) {
            throw new errors/* DeployError */.sH(`Dokploy ${version ?? ""} does not keep deployment titles (v${OLDEST_FOLLOWED.join(".")} added them), so this step cannot tell its deployment from others. Upgrade Dokploy, or set wait to false to deploy without following.`);
        }
    }
}
/**
 * The key is accepted and every target exists (read beside the server's version, which
 * matters for following the deployment). Returns each target with what it ran before.
 */
function checkTargets(ctx, refs) {
    const { config, result } = ctx;
    const several = refs.length > 1;
    return timed(ctx, several ? "Check Dokploy and the targets" : `Check Dokploy and the ${refs[0]?.kind ?? "target"}`, async () => {
        const checks = refs.map((ref) => {
            const target = { kind: ref.kind, id: ref.id };
            result.targets.push(target);
            const targetCtx = forTarget(ctx, target, several);
            return checkTarget(targetCtx).then((before) => ({ ctx: targetCtx, before }));
        });
        const [prepared, version] = await Promise.all([Promise.all(checks), config.wait ? readVersion(ctx) : undefined]);
        refuseOldVersion(version);
        return prepared;
    }, false);
}

;// CONCATENATED MODULE: ./src/core/stages/pull-check.ts


/**
 * The registry serves the tag to the pull credentials, as the digest just pushed: what Dokploy
 * will pull. Without the check, pin-digest needs the digest docker reported.
 */
async function checkPull(ctx) {
    const { config, result, logger } = ctx;
    if (!config.verifyPull) {
        if (config.pinDigest && !result.digest) {
            throw new errors/* DeployError */.sH("pin-digest: docker did not report the pushed digest; turn verify-pull on to read it from the registry");
        }
        return;
    }
    await timed(ctx, "Check that Dokploy can pull the image", async () => {
        const served = await ctx.remote.resolveImage(config.image, config.tag, config.pull, {
            dispatcher: ctx.dispatcher,
            timeoutMs: config.requestTimeoutSeconds * 1000,
        });
        if (result.digest && served.digest !== result.digest) {
            throw new errors/* PullCheckError */.uw("digest", `${result.image}: the registry serves ${served.digest}, not ${result.digest} that was just pushed; someone pushed over the tag. Not deploying.`);
        }
        result.digest ??= served.digest;
        logger.info(`${result.image} is served as ${served.digest}${served.mediaType ? ` (${served.mediaType})` : ""} to ${config.pull ? config.pull.username : "anonymous pulls"}`);
    });
}

;// CONCATENATED MODULE: ./src/core/stages/build-only.ts





/**
 * deploy: false, for pull requests: the build, the push and the pull check, exactly as a deploy
 * runs them, and not one request to Dokploy (no key or target needed).
 */
async function buildWithoutDeploying(ctx, buildx) {
    const { config, logger, result } = ctx;
    const step = config.pushImage ? `Build and push ${result.image}` : `Build ${result.image}`;
    const online = await besideWork((gate) => (config.build ? timed(ctx, step, () => buildAndPush(ctx, gate, buildx)) : Promise.resolve()), () => goOnline(ctx), ctx.signal);
    stopIfCancelled(ctx);
    if (config.pushImage)
        await checkPull(online);
    logger.info("deploy: false: nothing was sent to Dokploy.");
}

;// CONCATENATED MODULE: ./src/core/advice.ts
/** Tags that are moved to new images; deploying one leaves Dokploy unable to tell releases apart. */
const FLOATING_TAGS = new Set([
    "latest",
    "main",
    "master",
    "stable",
    "prod",
    "production",
    "staging",
    "dev",
    "develop",
    "edge",
    "nightly",
]);
/** Warnings about inputs that work but are likely to bite later. */
function adviceFor(config) {
    const advice = [];
    if (FLOATING_TAGS.has(config.tag.toLowerCase()) && !config.pinDigest) {
        advice.push(`tag "${config.tag}" is a floating tag: when the application already runs ${config.image.name}:${config.tag}, Swarm may keep the old image. Deploy the commit SHA (the default tag) or set pin-digest: true.`);
    }
    const ecr = config.image.registry.endsWith(".amazonaws.com");
    if (ecr && config.pull && config.push && config.pull.password === config.push.password) {
        advice.push("Dokploy will pull with the ECR login password, which expires after 12 hours: a redeploy or restart in Dokploy after that cannot pull. Deploy from CI at least every 12 hours, or give Dokploy a longer-lived pull credential.");
    }
    if (config.pull?.password.startsWith("ghs_")) {
        advice.push("Dokploy will pull with a GitHub job token (ghs_…, e.g. GITHUB_TOKEN), which expires when the job ends: a redeploy or restart in Dokploy after that cannot pull. Give pull-username/pull-password a token that lasts (a personal access token with read:packages).");
    }
    advice.push(...spacedPasswords(config));
    if (config.health?.credentials && new URL(config.health.url).protocol === "http:") {
        advice.push("health-url has credentials and uses http://: they travel in clear text. Use https://.");
    }
    return advice;
}
/** Spaces at either end of a password were removed (as docker login does): say so, it may be the reason a login fails. */
function spacedPasswords(config) {
    return config.spacedSecrets.map((name) => `${name} starts or ends with spaces, which were removed: docker login removes them too, so a password that really has them cannot be used with docker. If the login fails, check the secret for stray spaces.`);
}

;// CONCATENATED MODULE: ./src/core/builder.ts


function parseBuilderInfo(text) {
    const name = /^Name:\s+(.+)$/m.exec(text)?.[1]?.trim();
    const driver = /^Driver:\s+(.+)$/m.exec(text)?.[1]?.trim();
    if (!name || !driver)
        return undefined;
    const features = new Map();
    let inFeatures = false;
    for (const line of text.split("\n")) {
        if (/^Features:\s*$/.test(line))
            inFeatures = true;
        else if (!/^\s/.test(line))
            inFeatures = false;
        else if (inFeatures) {
            const feature = /^\s+(.+?):\s+(true|false)\s*$/.exec(line);
            if (feature?.[1])
                features.set(feature[1], (features.get(feature[1]) ?? true) && feature[2] === "true");
        }
    }
    return { name, driver, features };
}
/** Whether the builder has a feature; buildx before 0.11 does not list them: judge by driver. */
function can(info, feature) {
    return info.features.get(feature) ?? info.driver !== "docker";
}
const SETUP = "Add docker/setup-buildx-action before this step (elsewhere: docker buildx create --use --driver docker-container)";
/** The inputs this builder cannot honour, each with what to do; empty when it can do all. */
function unsupportedInputs(config, info) {
    const builder = `the builder "${info.name}" uses the ${info.driver} driver, which`;
    const problems = [];
    const exported = config.cacheTo.filter((c) => !/(^|,)type=inline(,|$)/.test(c));
    if (exported.length > 0 && !can(info, "Cache export")) {
        problems.push({
            input: "cache-to",
            message: `${builder} cannot export a build cache. ${SETUP}, or remove cache-to (type=inline works with any builder)`,
        });
    }
    if (config.platforms.length > 1 && !can(info, "Multi-platform build")) {
        problems.push({
            input: "platforms",
            message: `${builder} cannot build several platforms (${config.platforms.join(",")}). ${SETUP}, and docker/setup-qemu-action for RUN steps of other architectures; or give one platform`,
        });
    }
    for (const input of ["provenance", "sbom"]) {
        if (asksForAttestation(config[input]) && !can(info, "Multi-platform build")) {
            problems.push({ input, message: `${builder} cannot attach attestations. ${SETUP}, or set ${input} to false` });
        }
    }
    return problems;
}
function needsDriverCheck(config) {
    return (config.cacheTo.length > 0 ||
        config.platforms.length > 1 ||
        asksForAttestation(config.provenance) ||
        asksForAttestation(config.sbom));
}
/** The first problem as the error's input; every problem in its message. */
function inputError(problems) {
    const [first] = problems;
    if (!first)
        return undefined;
    const error = new errors/* ConfigError */.xL(first.input, first.message);
    if (problems.length > 1)
        error.message = problems.map((p) => `Input "${p.input}": ${p.message}`).join("\n");
    return error;
}
/**
 * Asks buildx about the current builder, in a throwaway copy of the docker config: buildx
 * writes its state (current builder, activity) into the config it runs with.
 */
async function inspectBuilder(config, ports, docker) {
    const temp = await ports.createDockerConfig(config.registry, { keepLogin: true });
    try {
        const text = await docker.withConfigDir(temp.dir).inspectBuilder();
        return text === undefined ? undefined : parseBuilderInfo(text);
    }
    finally {
        await temp.remove().catch(() => undefined);
    }
}
function missingBuildx(config, needBuildx) {
    const [first = "builder"] = needBuildx;
    if (config.builder === "buildx") {
        return new errors/* ConfigError */.xL("builder", "is buildx, but docker buildx is not installed here (no executable docker-buildx where the docker CLI looks for plugins). Add docker/setup-buildx-action before this step, or set builder to auto");
    }
    const given = needBuildx.join(", ");
    return new errors/* ConfigError */.xL(first, config.builder === "classic"
        ? `needs buildx, but builder is classic (${given} given). Set builder to auto or buildx, or remove ${given}`
        : `needs docker buildx, which is not installed here (${given} given). Add docker/setup-buildx-action before this step, or remove ${given}`);
}
/**
 * Starts the buildx probe, and answers it at once (throwing ConfigError for what cannot be
 * built) when the inputs depend on it; else the probe runs beside what comes next.
 */
async function chooseBuilder(config, ports, docker) {
    if (!config.build)
        return { probe: Promise.resolve(false) };
    const probe = config.builder === "classic" ? Promise.resolve(false) : (ports.hasBuildx?.() ?? docker.hasBuildx());
    const needBuildx = buildxOnlyInputs(config);
    if (needBuildx.length === 0 && !config.dryRun && config.builder !== "buildx")
        return { probe };
    const buildx = await probe;
    if (!buildx && (needBuildx.length > 0 || config.builder === "buildx"))
        throw missingBuildx(config, needBuildx);
    if (buildx && needsDriverCheck(config)) {
        const info = await inspectBuilder(config, ports, docker);
        const error = info && inputError(unsupportedInputs(config, info));
        if (error)
            throw error;
    }
    return { probe: Promise.resolve(buildx) };
}

;// CONCATENATED MODULE: ./src/core/stages/inputs.ts


function isLoopback(url) {
    return /^(localhost|127\.\d+\.\d+\.\d+|\[::1\])$/.test(url.hostname);
}
/**
 * Finds out whether the build runs with buildx, and checks the inputs against it (and its
 * builder) and each other before anything is sent. The answer is a promise: the buildx probe
 * is a local question, answered first when it can still reject the inputs or is needed for the
 * plan, else it runs beside what follows.
 */
async function checkInputs(ctx) {
    const { config, ports, logger } = ctx;
    const { probe } = await chooseBuilder(config, ports, ctx.docker);
    for (const warning of adviceFor(config))
        logger.warn(warning);
    const url = config.deploy ? new URL(config.dokployUrl) : undefined;
    if (url?.protocol === "http:" && !isLoopback(url)) {
        logger.warn(`dokploy-url uses http://: the API key travels in clear text to ${url.host}. Use https://.`);
    }
    return { buildx: probe };
}

;// CONCATENATED MODULE: ./src/core/stages/names.ts




/** Two inputs that name the same target would deploy it twice at once. */
function refuseDuplicates(refs) {
    const seen = new Set();
    for (const ref of refs) {
        const key = `${ref.kind}:${ref.id}`;
        if (seen.has(key))
            throw new errors/* ConfigError */.xL(`${ref.kind}-id`, `names ${ref.kind} ${ref.id} twice (by id or by name)`);
        seen.add(key);
    }
}
/**
 * The targets by id. Those given by name are found with one read of project.all, before
 * anything is built: a wrong name is bad input (exit 2), with the closest names.
 */
async function resolveTargets(ctx) {
    const { config, logger } = ctx;
    const named = config.targets.flatMap((t) => (t.name !== undefined ? [{ kind: t.kind, name: t.name }] : []));
    if (named.length === 0 || !config.names) {
        const refs = config.targets.flatMap((t) => (t.id !== undefined ? [{ kind: t.kind, id: t.id }] : []));
        refuseDuplicates(refs);
        return { refs };
    }
    const place = config.names;
    const connected = await connectToDokploy(ctx);
    const found = await timed(ctx, "Find the targets by name", async () => {
        const resolved = resolveNames(await connected.dokploy.projects(), place, named);
        resolved.forEach((ref, i) => {
            logger.info(`${ref.kind} "${named[i]?.name ?? ""}" in ${place.project}/${place.environment} is ${ref.id}`);
        });
        return resolved;
    });
    const byName = [...found];
    const refs = [];
    for (const t of config.targets) {
        const ref = t.id !== undefined ? { kind: t.kind, id: t.id } : byName.shift();
        if (ref)
            refs.push(ref);
    }
    refuseDuplicates(refs);
    return { refs, connected };
}

;// CONCATENATED MODULE: ./src/core/stages/plan.ts





/** The build part of the plan: the commands docker runs. */
function buildPlan(config, buildx, labelled) {
    if (!config.build)
        return [`No build: deploy ${imageRef(config.image, config.tag)} as it is in the registry`];
    const plan = [`Create a temporary docker config (DOCKER_CONFIG); ~/.docker is not written`];
    if (config.push)
        plan.push(`docker ${loginArgv(config.registry, config.push.username).join(" ")}  (password on stdin)`);
    const labelledDockerfile = labelled ? `$DOCKER_CONFIG/${LABELLED_DOCKERFILE}` : undefined;
    plan.push(`docker ${buildArgv(config, { buildx, outDir: "$DOCKER_CONFIG", created: new Date(0), labelledDockerfile }).join(" ")}`);
    if (labelled) {
        plan.push(`  (${LABELLED_DOCKERFILE}: the Dockerfile with one LABEL line: ${allLabels(config, new Date(0)).join(" ")})`);
    }
    if (!buildx && config.pushImage)
        for (const ref of pushRefs(config))
            plan.push(`docker ${pushArgv(ref).join(" ")}`);
    return plan;
}
function pullCheckPlan(config) {
    if (!config.verifyPull || !config.pushImage)
        return [];
    return [
        `HEAD ${config.image.registry}/v2/${config.image.path}/manifests/${config.tag} with the pull credentials (the image is there, Dokploy can pull it, it is the digest pushed)`,
    ];
}
/** The id of a target in the plan: as given, or what its name will resolve to. */
function idText(spec) {
    return spec.id ?? `<id of ${spec.kind} "${spec.name}">`;
}
/** The checks before the build: names, then every target beside the build. */
function checkPlan(config, api) {
    const plan = [];
    const named = config.targets.filter((t) => t.name !== undefined);
    if (config.names && named.length > 0) {
        plan.push(`GET ${api}project.all  (find ${named.map(describeTarget).join(", ")} in ${config.names.project}/${config.names.environment}; a wrong name stops the run here, before the build)`);
    }
    for (const t of config.targets) {
        const key = t.kind === "application" ? "applicationId" : "composeId";
        plan.push(`GET ${api}${t.kind}.one {"${key}":"${idText(t)}"}  (check key and ${t.kind}, beside the build)`);
    }
    return plan;
}
/** What is sent for one compose service after the build. */
function composePlan(config, api, id) {
    const ref = imageRef(config.image, config.tag);
    return [
        `GET ${api}compose.one {"composeId":"${id}"}, then POST ${api}compose.saveEnvironment with ${config.imageVariable}=${config.pinDigest ? `${ref}@<digest>` : ref} and ${config.tagVariable}=${config.tag} set in its env (every other variable kept as it is)`,
        `GET ${api}deployment.allByCompose {"composeId":"${id}"}  (snapshot, to tell our deployment from others)`,
        `POST ${api}compose.${config.deployMethod} ${JSON.stringify({ composeId: id, title: config.deployTitle, description: config.deployDescription })}`,
    ];
}
/** What is sent for one target after the build. */
function targetPlan(config, api, spec) {
    const id = idText(spec);
    if (spec.kind === "compose")
        return composePlan(config, api, id);
    const provider = dockerProviderOf(config, id);
    return [
        `POST ${api}application.saveDockerProvider ${JSON.stringify({ ...provider, password: provider.password === null ? null : "***" })}`,
        `GET ${api}deployment.all {"applicationId":"${id}"}  (snapshot, to tell our deployment from others)`,
        `POST ${api}application.${config.deployMethod} ${JSON.stringify({ applicationId: id, title: config.deployTitle, description: config.deployDescription })}`,
    ];
}
/** The Dokploy part of the plan: the calls made after the build. */
function dokployPlan(config, api) {
    const plan = pullCheckPlan(config);
    if (config.dokployRegistry) {
        plan.push(`GET ${api}registry.all, then POST ${api}registry.create or registry.update for ${config.image.registry} when the entry differs`);
    }
    if (config.targets.length > 1)
        plan.push(`For each of the ${String(config.targets.length)} targets, all at once:`);
    for (const spec of config.targets)
        plan.push(...targetPlan(config, api, spec));
    if (!config.wait)
        return plan;
    plan.push(`Follow the new deployment titled "${config.deployTitle}" until done, error or cancelled (at most ${String(config.waitTimeoutSeconds)} s), with its live log, and check what runs`);
    if (config.health) {
        plan.push(`GET ${config.health.url} until it answers (at most ${String(config.health.timeoutMs / 1000)} s)`);
    }
    if (config.rollbackOnFailure) {
        const compose = config.targets.some((t) => t.kind === "compose");
        plan.push(`If that fails: save the previous image${compose ? " (a compose's previous variables)" : ""} back and redeploy it`);
    }
    return plan;
}
/** The plan in words: commands and API calls, secrets masked. */
function describePlan(config, buildx, labelled = false) {
    const api = config.transport === "trpc" ? "/api/trpc/" : "/api/";
    if (!config.deploy) {
        return [...buildPlan(config, buildx, labelled), ...pullCheckPlan(config), "deploy: false: no request to Dokploy"];
    }
    return [...checkPlan(config, api), ...buildPlan(config, buildx, labelled), ...dokployPlan(config, api)];
}
/** Dry run: prints what would be done; builds, pushes and changes nothing. */
async function printPlan(ctx, buildx) {
    const { config, logger, result } = ctx;
    const dockerfile = buildx || !config.build ? undefined : await readDockerfile(ctx);
    const labelled = dockerfile !== undefined && dockerfileWithLabels(dockerfile, [], config.target) !== undefined;
    result.plan = describePlan(config, buildx, labelled);
    logger.info(`Dry run: nothing is built, pushed or changed. The plan (${buildx ? "buildx" : "classic builder"}):`);
    result.plan.forEach((line, i) => {
        logger.info(`${String(i + 1)}. ${line}`);
    });
}

;// CONCATENATED MODULE: ./src/core/dokploy/registry.ts

/**
 * Decides how to make Dokploy's registry entries hold the wanted credentials for one host:
 * an entry for the same host (Docker Hub's aliases are one host) and server is updated, only
 * in the fields that differ, so a re-run with the same values writes nothing.
 */
function planRegistryUpsert(existing, wish) {
    const { fields } = wish;
    const host = normalizeRegistryHost(fields.registryUrl);
    const candidates = existing.filter((r) => normalizeRegistryHost(r.registryUrl) === host && (r.serverId ?? undefined) === fields.serverId);
    const match = candidates.find((r) => r.registryName === fields.registryName) ??
        candidates.find((r) => r.username === fields.username) ??
        candidates[0];
    if (!match)
        return { action: "create", fields };
    const changes = {};
    if (match.username !== fields.username)
        changes.username = fields.username;
    if (match.password !== fields.password)
        changes.password = fields.password;
    if (fields.imagePrefix !== null && match.imagePrefix !== fields.imagePrefix)
        changes.imagePrefix = fields.imagePrefix;
    if (wish.nameGiven && match.registryName !== fields.registryName)
        changes.registryName = fields.registryName;
    if (Object.keys(changes).length === 0)
        return { action: "none", registryId: match.registryId };
    return { action: "update", registryId: match.registryId, changes };
}
/** Applies a plan; returns the registry id. */
async function applyRegistryPlan(dokploy, plan) {
    switch (plan.action) {
        case "create":
            return (await dokploy.registryCreate(plan.fields)).registryId;
        case "update":
            await dokploy.registryUpdate(plan.registryId, plan.changes);
            return plan.registryId;
        case "none":
            return plan.registryId;
    }
}
/** The plan in words, without secrets. */
function describeRegistryPlan(plan) {
    switch (plan.action) {
        case "create":
            return `create registry entry "${plan.fields.registryName}" for ${plan.fields.registryUrl || "Docker Hub"}`;
        case "update":
            return `update registry entry ${plan.registryId} (${Object.keys(plan.changes).join(", ")})`;
        case "none":
            return `registry entry ${plan.registryId} is up to date; no change`;
    }
}

;// CONCATENATED MODULE: ./src/core/stages/registry-entry.ts




/** Creates or updates the registry entry in Dokploy when it differs; a re-run writes nothing. */
async function upsertRegistryEntry(ctx) {
    const { config, logger, result, ledger } = ctx;
    const pull = config.pull;
    if (!config.dokployRegistry || !pull)
        return;
    await timed(ctx, "Registry entry in Dokploy", () => 
    // The whole upsert is retried, planned anew from registry.all each time, so a create
    // that reached Dokploy before its answer was lost is found and not made twice.
    (0,retry/* withRetry */.bD)("Registry entry in Dokploy", ctx.policy, ctx.retryPorts, async () => {
        const plan = planRegistryUpsert(await ctx.dokploy.registryAll(), {
            fields: {
                registryName: config.dokployRegistryName,
                username: pull.username,
                password: pull.password,
                registryUrl: dokployRegistryUrl(config.image.registry),
                imagePrefix: config.imagePrefix,
                serverId: config.serverId,
            },
            nameGiven: config.dokployRegistryNameGiven,
        });
        logger.info(describeRegistryPlan(plan));
        result.registryId = await applyRegistryPlan(ctx.dokploy, plan);
        if (plan.action !== "none") {
            ledger.record({
                kind: "registry-entry",
                action: plan.action === "create" ? "created" : "updated",
                registryId: result.registryId,
                name: plan.action === "create" ? plan.fields.registryName : config.dokployRegistryName,
            });
        }
    }));
}

;// CONCATENATED MODULE: ./src/core/dokploy/cadence.ts
/**
 * How long to wait before the next look at deployment.all when nothing else tells us more:
 * quick at first (a deployment of an image often ends in under a second), then calmer: 0.25 s
 * growing by half each time to 2 s in the first minute (so the end is seen within 2 s), 5 s
 * until three minutes, 10 s after. A 60 s deployment costs about 34 looks, 10 minutes about 100.
 */
function pollDelay(attempt, elapsedMs) {
    const cap = elapsedMs < 60_000 ? 2_000 : elapsedMs < 180_000 ? 5_000 : 10_000;
    return Math.min(cap, Math.round(250 * 1.5 ** attempt));
}
/** After a line that says the deployment is ending, look this soon, and this often for a while. */
const ENDING_DELAY_MS = 100;
const ENDING_POLL_MS = 250;
const ENDING_WINDOW_MS = 3_000;
/**
 * While the live log delivers, look this seldom: the line that says the deployment is ending
 * brings the final look forward, so these looks only catch an end the log does not announce
 * (a deployment cancelled in Dokploy, say).
 */
const STREAMING_POLL_MS = 15_000;
/** The live log counts as delivering while its last line is at most this old. */
const LOG_QUIET_MS = 30_000;
/**
 * ...and once it has sent more than its first line. Dokploy writes "Initializing deployment" when
 * the job starts, and a redeploy of an image that goes well writes nothing more, nor a line that
 * says it is ending: such a deployment is followed by the clock.
 */
const STREAMING_AFTER_LINES = 2;
/**
 * When to look next at our deployment: by the clock while nothing else is known, seldom while
 * the live log streams, and at once (then often, briefly) when a log line says it is ending.
 */
class Cadence {
    ports;
    started;
    attempt = 0;
    quickUntil = 0;
    heardAt;
    lines = 0;
    wake = new AbortController();
    constructor(ports, started) {
        this.ports = ports;
        this.started = started;
    }
    /** The live log sent `count` more lines. */
    heard = (count) => {
        if (count === 0)
            return;
        this.lines += count;
        this.heardAt = this.ports.clock();
    };
    /** A log line says the deployment is ending: look now. */
    ending = () => {
        this.wake.abort();
    };
    /** The pause before the next look; `streaming` says the live log is open. */
    delay(now, streaming) {
        if (now < this.quickUntil)
            return ENDING_POLL_MS;
        const byClock = pollDelay(this.attempt, now - this.started);
        const alive = streaming &&
            this.lines >= STREAMING_AFTER_LINES &&
            this.heardAt !== undefined &&
            now - this.heardAt < LOG_QUIET_MS;
        return alive ? Math.max(byClock, STREAMING_POLL_MS) : byClock;
    }
    /** Sleeps until the next look, or until `deadline`; an ending line cuts the sleep short. */
    async sleep(deadline, streaming) {
        const now = this.ports.clock();
        const delay = Math.min(this.delay(now, streaming), deadline - now);
        // An ending line that came while we were asking needs no sleep first.
        if (!this.wake.signal.aborted)
            await this.ports.sleep(delay, this.wake.signal);
        if (!this.wake.signal.aborted) {
            this.attempt += 1;
            return;
        }
        // The log says the deployment is ending: look shortly, then often for a few seconds.
        this.wake = new AbortController();
        await this.ports.sleep(ENDING_DELAY_MS);
        this.quickUntil = this.ports.clock() + ENDING_WINDOW_MS;
    }
}

;// CONCATENATED MODULE: ./src/core/dokploy/wait.ts



const FINAL_STATUSES = new Set(["done", "error", "cancelled"]);
/** Every status Dokploy's deployment table has (v0.30.2: running, done, error, cancelled). */
const KNOWN_STATUSES = new Set(["running", ...FINAL_STATUSES]);
/** How long to wait for the log of a deployment that had already failed when we first saw it. */
const LATE_LOG_WAIT_MS = 2_000;
/**
 * Ours among new rows: the title we gave and, when we gave one, our run token in the
 * description (two runs of one commit give the same title); oldest first (one run starts one).
 */
function findOurDeployment(rows, known, title, token) {
    return rows
        .filter((r) => !known.has(r.deploymentId) && r.title === title && (!token || (r.description ?? "").includes(token)))
        .at(-1);
}
/** Our deployment has a status this version does not know: waiting on it could last forever. */
class UnknownStatusError extends errors/* DeployError */.sH {
    deployment;
    constructor(deployment, applicationUrl) {
        super(`Deployment ${deployment.deploymentId} has the status "${deployment.status}", which this version of dokploy-deploy does not know (it knows ${[...KNOWN_STATUSES].join(", ")}). Not waiting on it, and not rolling back: see ${applicationUrl} for how it went, and update dokploy-deploy.`);
        this.deployment = deployment;
        this.name = "UnknownStatusError";
    }
}
/** Thrown on wait-timeout; carries the deployment we were following, if it had started. */
class WaitTimeoutError extends errors/* TimeoutError */.MU {
    deployment;
    constructor(message, deployment) {
        super(message);
        this.deployment = deployment;
    }
}
/** The error for a wait that ran out of time, before or after our deployment started. */
function waitTimeout(options, ours) {
    const limit = String(Math.round(options.timeoutMs / 1000));
    return new WaitTimeoutError(ours
        ? `Deployment ${ours.deploymentId} is still ${ours.status} after ${limit} s (wait-timeout). It may still finish; see ${options.applicationUrl}`
        : `The deployment did not start within ${limit} s (wait-timeout). Dokploy runs one deployment per ${options.source.kind} at a time, so it may be queued behind others and may still run; see ${options.applicationUrl}`, ours);
}
/**
 * On first sight of our deployment: say so, and open its live log. One already over (a quick
 * deploy can end before the first look) still has its log printed: Dokploy sends it whole on connect.
 */
async function firstSight(row, rows, options, ports, listener) {
    const others = rows.filter((r) => !options.known.has(r.deploymentId) && r.deploymentId !== row.deploymentId);
    ports.logger.info(`Following deployment ${row.deploymentId} ("${row.title ?? ""}")${others.length > 0 ? `; ignoring ${String(others.length)} other new deployment(s) of this ${options.source.kind}` : ""}`);
    if (!row.logPath || !options.openLog)
        return undefined;
    const log = options.openLog(row, listener);
    if (log && FINAL_STATUSES.has(row.status))
        await log.received(LATE_LOG_WAIT_MS);
    return log;
}
/**
 * Waits for the deployment we triggered to appear and reach a final status. Rows are matched
 * by title among those not in the snapshot, so another run's deployment is never taken for ours.
 * While it runs, its log streams into the CI log: looks are rare while it delivers, and a line
 * that says the deployment is ending brings the next look forward.
 */
async function followDeployment(dokploy, options, ports) {
    const started = ports.clock();
    const deadline = started + options.timeoutMs;
    const cadence = new Cadence(ports, started);
    let ours;
    let log;
    try {
        for (;;) {
            const rows = await dokploy.deployments(options.source);
            const row = ours
                ? rows.find((r) => r.deploymentId === ours?.deploymentId)
                : findOurDeployment(rows, options.known, options.title, options.token);
            if (row) {
                if (!ours) {
                    log = await firstSight(row, rows, options, ports, { onLines: cadence.heard, onEnding: cadence.ending });
                }
                if (row.status !== ours?.status) {
                    options.onStatus?.(row);
                    ports.logger.info(`Deployment ${row.deploymentId}: ${row.status} after ${((ports.clock() - started) / 1000).toFixed(1)} s`);
                }
                ours = row;
                if (!KNOWN_STATUSES.has(row.status))
                    throw new UnknownStatusError(row, options.applicationUrl);
                if (FINAL_STATUSES.has(row.status))
                    return { deployment: row, tail: log?.tail() ?? [] };
            }
            else if (ours) {
                throw new errors/* TimeoutError */.MU(`Deployment ${ours.deploymentId} disappeared from deployment.all (Dokploy keeps the last 11); see ${options.applicationUrl}`);
            }
            if (ports.clock() >= deadline)
                throw waitTimeout(options, ours);
            await cadence.sleep(deadline, log?.open ?? false);
        }
    }
    finally {
        log?.close();
    }
}

;// CONCATENATED MODULE: ./src/core/dokploy/deploy.ts



/** After an ambiguous trigger failure, how long to look for the deployment it may have started. */
const AMBIGUITY_GRACE_MS = 5_000;
/**
 * Triggers a deployment once. A trigger is not blindly retried: after a failure that may have
 * reached Dokploy (a reset, a timeout, a 502), the deployments are checked for ours before the
 * trigger is sent again, so one run never starts two deployments.
 */
async function triggerDeployment(dokploy, trigger, known, policy, ports) {
    const description = trigger.token ? `${trigger.description}\nRun token: ${trigger.token}` : trigger.description;
    const send = () => dokploy.trigger(trigger.method, trigger.source, trigger.title, description);
    await (0,retry/* withRetry */.bD)(`Dokploy ${trigger.source.kind}.${trigger.method}`, policy, ports, send, async (error) => {
        if (!(error instanceof errors/* DokployError */.RI) || !error.ambiguous)
            return undefined;
        ports.logger.info(`The ${trigger.method} may have reached Dokploy; looking for its deployment before sending it again`);
        const deadline = ports.clock() + AMBIGUITY_GRACE_MS;
        for (;;) {
            const rows = await dokploy.deployments(trigger.source);
            const ours = findOurDeployment(rows, known, trigger.title, trigger.token);
            if (ours) {
                ports.logger.info(`Dokploy did start it (deployment ${ours.deploymentId}); not sending it again`);
                return { done: true, value: undefined };
            }
            if (ports.clock() >= deadline)
                return undefined;
            await ports.sleep(500);
        }
    });
}
/** The ids of the deployments there are now, to tell ours from them later. */
async function snapshotDeployments(dokploy, source) {
    return new Set((await dokploy.deployments(source)).map((d) => d.deploymentId));
}
/**
 * Puts the service back as it was before and redeploys it, following that deployment too.
 * Returns a sentence saying how it went; never throws.
 */
async function rollBack(dokploy, options, ports) {
    const { source, was } = options;
    const title = `Rollback to ${was}`.slice(0, 200);
    try {
        ports.logger.warn(`Rolling back: pointing the ${source.kind} at ${was} again`);
        await options.restore();
        const known = await snapshotDeployments(dokploy, source);
        await triggerDeployment(dokploy, { method: "redeploy", source, title, description: "Rollback after a failed deployment", token: options.token }, known, options.policy, ports);
        const followed = await followDeployment(dokploy, { ...options.follow, source, known, title, token: options.token }, ports);
        const { deployment } = followed;
        return deployment.status === "done"
            ? `Rolled back to ${was} (deployment ${deployment.deploymentId} is done).`
            : `The rollback to ${was} failed too (deployment ${deployment.deploymentId}: ${deployment.status}).`;
    }
    catch (error) {
        return `The rollback to ${was} failed: ${(0,errors/* errorMessage */.gJ)(error)}`;
    }
}

;// CONCATENATED MODULE: ./src/core/stages/deployment.ts




/** Queues our deployment in Dokploy, with our title; never sent twice by one run. */
async function triggerOurDeployment(ctx, known) {
    const { config, logger, ledger, target } = ctx;
    const change = {
        kind: "deployment",
        method: config.deployMethod,
        title: config.deployTitle,
        url: target.url ?? config.dokployUrl,
        ...(ctx.several ? { target: targetName(target) } : {}),
    };
    await timedTarget(ctx, `Trigger ${config.deployMethod}`, async () => {
        const trigger = {
            method: config.deployMethod,
            source: ctx.ref,
            title: config.deployTitle,
            description: config.deployDescription,
            token: ctx.runToken,
        };
        try {
            await triggerDeployment(ctx.dokploy, trigger, known, ctx.policy, ctx.retryPorts);
        }
        catch (error) {
            if (error instanceof errors/* DokployError */.RI && error.ambiguous)
                ledger.record({ ...change, status: "uncertain" });
            throw error;
        }
        ledger.record(change);
        logger.info(`Dokploy queued the ${config.deployMethod} "${config.deployTitle}"`);
    });
    target.deploymentStatus = "queued";
    return change;
}
/** How to follow a deployment of this target: the limit, where to look, the live log. */
function followOptions(ctx) {
    const { config, target } = ctx;
    return {
        timeoutMs: config.waitTimeoutSeconds * 1000,
        applicationUrl: target.url ?? config.dokployUrl,
        openLog: (deployment, listener) => deployment.logPath
            ? ctx.remote.streamDeploymentLog({
                baseUrl: config.dokployUrl,
                apiKey: config.apiKey,
                logPath: deployment.logPath,
                serverId: deployment.serverId,
                logger: ctx.logger,
                redactor: ctx.redactor,
                ...listener,
            })
            : undefined,
    };
}
/**
 * Follows our deployment to its end, its log streaming into the CI log. Throws a DeployError
 * (with the log's last lines) when it did not end `done`, or a WaitTimeoutError.
 */
async function followOurDeployment(ctx, known, triggered) {
    const { config, result, logger, target } = ctx;
    const follow = followOptions(ctx);
    const seen = (deployment) => {
        target.deploymentId = triggered.deploymentId = deployment.deploymentId;
        target.deploymentStatus = triggered.status = deployment.status;
    };
    try {
        const { deployment, tail } = await timedTarget(ctx, "Wait for the deployment", () => followDeployment(ctx.dokploy, { ...follow, source: ctx.ref, known, title: config.deployTitle, token: ctx.runToken, onStatus: seen }, ctx.ports));
        seen(deployment);
        if (deployment.status === "done") {
            logger.info(`Deployment ${deployment.deploymentId} is done in Dokploy.`);
            return;
        }
        const lines = tail.length > 0 ? `\nLast lines of its log:\n${tail.join("\n")}` : "";
        throw new errors/* DeploymentFailedError */.RJ(`Deployment ${deployment.deploymentId} of ${result.image} ended with status "${deployment.status}".${lines}\nSee ${follow.applicationUrl}`);
    }
    catch (error) {
        if (error instanceof WaitTimeoutError) {
            target.deploymentId = error.deployment?.deploymentId;
            target.deploymentStatus = "timeout";
        }
        else if (error instanceof UnknownStatusError) {
            seen(error.deployment);
            target.deploymentStatus = "unknown";
        }
        throw error;
    }
}

;// CONCATENATED MODULE: ./src/core/stages/health.ts


/** GETs the health URL until it answers as expected, when one is given. */
async function checkHealthUrl(ctx) {
    const { config, result } = ctx;
    const health = config.health;
    if (!health)
        return;
    try {
        const checked = await timed(ctx, "Health check", () => ctx.remote.checkHealth(health, {
            logger: ctx.logger,
            clock: ctx.ports.clock,
            sleep: ctx.ports.sleep,
            dispatcher: ctx.dispatcher,
        }));
        result.health = `${String(checked.status)} in ${String(checked.latencyMs)} ms`;
    }
    catch (error) {
        if (error instanceof errors/* HealthCheckError */.b1) {
            result.health = error.last ? `${String(error.last.status)} in ${String(error.last.latencyMs)} ms` : "no answer";
        }
        throw error;
    }
}

;// CONCATENATED MODULE: ./src/core/stages/point.ts


/**
 * Points the target at the image. The deployments there are now are read meanwhile, to tell
 * ours from them later; returned once both worked.
 */
async function pointTarget(ctx, before) {
    const snapshot = snapshotDeployments(ctx.dokploy, ctx.ref);
    snapshot.catch(() => undefined);
    const image = await writeTarget(ctx, before);
    return { image, known: await snapshot };
}

;// CONCATENATED MODULE: ./src/core/stages/rollback.ts





/** Failures after which the previous image is put back: the deployment or the health check failed. */
function isDeploymentFailure(error) {
    return (error instanceof WaitTimeoutError || error instanceof errors/* HealthCheckError */.b1 || error instanceof errors/* DeploymentFailedError */.RJ);
}
/**
 * Puts the target back as it was before this run and redeploys that; returns a sentence saying
 * how it went (also when there was nothing to go back to). Never throws.
 */
async function rollBackTarget(ctx, before) {
    const { logger, ledger } = ctx;
    const { restore, was } = before;
    const who = ctx.several ? `${targetName(ctx.target)}: ` : "";
    if (!restore || !was) {
        const what = ctx.ref.kind === "application"
            ? "the application did not run a Docker image"
            : `the compose's environment had no ${ctx.config.imageVariable} or ${ctx.config.tagVariable}`;
        const outcome = `${who}Nothing to roll back to: ${what} before this deployment.`;
        logger.warn(outcome);
        return outcome;
    }
    const outcome = await timedTarget(ctx, "Roll back", () => rollBack(ctx.dokploy, { source: ctx.ref, was, restore, policy: ctx.policy, follow: followOptions(ctx) }, { ...ctx.ports, ...ctx.retryPorts }));
    ledger.record({ kind: "rollback", to: was, outcome: `${who}${outcome}` });
    logger.warn(outcome);
    return `${who}${outcome}`;
}

;// CONCATENATED MODULE: ./src/core/stages/targets.ts








/** One target from pointing it at the image to our image running (or queued, without wait). */
async function deployTarget(run) {
    const { ctx, before } = run;
    let pointed;
    try {
        pointed = await pointTarget(ctx, before);
    }
    catch (error) {
        // Its answer was lost: Dokploy may have carried it out, so it may need putting back.
        if (error instanceof errors/* DokployError */.RI && error.ambiguous)
            run.changed = true;
        throw error;
    }
    run.changed = true;
    const triggered = await triggerOurDeployment(ctx, pointed.known);
    if (!ctx.config.wait)
        return;
    await followOurDeployment(ctx, pointed.known, triggered);
    await verifyTarget(ctx, pointed.image);
    if (ctx.target.deploymentStatus === "superseded")
        return;
    ctx.logger.info(`${ctx.result.image} is live.`);
}
/** The one error for the step: a target's own, or one that lists every target that failed. */
function failureOf(runs) {
    const failed = runs.filter((run) => run.error !== undefined);
    const cancel = failed.find((run) => run.error instanceof errors/* CancelledError */.cc);
    if (cancel)
        return cancel.error;
    if (runs.length === 1 || failed.length === 0) {
        const error = failed[0]?.error;
        return error === undefined ? undefined : error instanceof Error ? error : new Error(String(error));
    }
    const lines = failed.map((run) => `- ${run.ctx.ref.kind} ${targetName(run.ctx.target)}: ${(0,errors/* errorMessage */.gJ)(run.error)}`);
    return new errors/* DeployError */.sH(`${String(failed.length)} of ${String(runs.length)} targets failed:\n${lines.join("\n")}`);
}
/** Whether to put the targets back: only deployment failures with one target; any failure with several. */
function shouldRollBack(ctx, runs, failure) {
    if (!ctx.config.rollbackOnFailure || failure instanceof errors/* CancelledError */.cc || ctx.signal.aborted)
        return false;
    return runs.length > 1 || isDeploymentFailure(failure);
}
/**
 * Puts back the targets this run changed (all of them, or with rollback-targets: failed only
 * those that failed), all at once; never one whose status says another run's image or an
 * unknown state is there. Says how each went at the end of the failure's message.
 */
async function rollBackTargets(ctx, runs, failure) {
    const onlyFailed = ctx.config.rollbackTargets === "failed" && runs.some((run) => run.error !== undefined);
    const scope = runs.filter((run) => run.changed &&
        (!onlyFailed || run.error !== undefined) &&
        !["superseded", "unknown"].includes(run.ctx.target.deploymentStatus ?? ""));
    const outcomes = await Promise.all(scope.map((run) => rollBackTarget(run.ctx, run.before)));
    if (outcomes.length > 0)
        failure.message = `${failure.message}\n${outcomes.join("\n")}`;
}
/**
 * Points, triggers and follows every target at once; green only when all are. Then the health
 * check, once. When anything failed, rolls back as asked and throws the failure.
 */
async function deployTargets(ctx, prepared) {
    const runs = prepared.map((p) => ({ ...p, changed: false }));
    await Promise.all(runs.map(async (run) => {
        try {
            await deployTarget(run);
        }
        catch (error) {
            run.error = error;
            run.ctx.target.error = ctx.redactor.redact((0,errors/* errorMessage */.gJ)(error));
        }
    }));
    stopIfCancelled(ctx);
    let failure = failureOf(runs);
    if (!failure && ctx.config.wait && runs.every((run) => run.ctx.target.deploymentStatus === "done")) {
        try {
            await checkHealthUrl(ctx);
        }
        catch (error) {
            failure = error instanceof Error ? error : new Error(String(error));
        }
    }
    if (!failure)
        return;
    if (shouldRollBack(ctx, runs, failure))
        await rollBackTargets(ctx, runs, failure);
    throw failure;
}

;// CONCATENATED MODULE: ./src/core/run.ts
















/**
 * One deploy, as the stages a user sees in the log. Targets given by name are found first; then
 * the build runs and the Dokploy check beside it; nothing is pushed before Dokploy answered that
 * the key and every target are good.
 */
async function deploy(ctx) {
    const { buildx } = await checkInputs(ctx);
    if (ctx.config.dryRun)
        return printPlan(ctx, await buildx);
    if (!ctx.config.deploy)
        return buildWithoutDeploying(ctx, buildx);
    const resolved = await resolveTargets(ctx);
    const { connected, prepared } = await besideWork((gate) => ctx.config.build
        ? timed(ctx, `Build and push ${ctx.result.image}`, () => buildAndPush(ctx, gate, buildx))
        : Promise.resolve(), () => checkDokployBeside(ctx, resolved), ctx.signal);
    stopIfCancelled(ctx);
    await checkPull(connected);
    await upsertRegistryEntry(connected);
    await deployTargets(connected, prepared);
}
async function checkDokployBeside(ctx, resolved) {
    const connected = resolved.connected ?? (await connectToDokploy(ctx));
    const prepared = await checkTargets(connected, resolved.refs);
    return { connected, prepared };
}
/** The error that ended the run, masked, with what the run had changed when that matters. */
function run_failureOf(ctx, error) {
    if (ctx.signal.aborted && !(error instanceof errors/* CancelledError */.cc))
        return run_failureOf(ctx, cancelled(ctx));
    const failure = error instanceof Error ? error : new Error(String(error));
    // Bad input stops the run before anything is touched; every other failure says what was.
    if (!(failure instanceof errors/* ConfigError */.xL) && !(failure instanceof errors/* CancelledError */.cc)) {
        failure.message = `${failure.message}\n${ctx.ledger.report()}`;
    }
    failure.message = ctx.redactor.redact(failure.message);
    return failure;
}
/**
 * Runs the whole deploy. Never throws: the error that ended the run is in the outcome. When
 * `signal` aborts (its reason names the signal), the docker commands are stopped, the
 * temporary files removed, and the outcome says what the run had changed.
 */
async function run(config, ports, signal = new AbortController().signal) {
    const ctx = createContext(config, ports, signal);
    let error;
    try {
        await deploy(ctx);
    }
    catch (thrown) {
        error = run_failureOf(ctx, thrown);
    }
    finally {
        mirrorFirstTarget(ctx.result);
        await ctx.ledger.cleanUp(ctx.logger);
    }
    return {
        result: ctx.redactor.redactAll(ctx.result),
        error,
        changes: ctx.redactor.redactAll(ctx.ledger.dokployChanges()),
    };
}

;// CONCATENATED MODULE: external "node:fs"
const external_node_fs_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:fs");
;// CONCATENATED MODULE: ./src/platform/cancel.ts

/*
 * What a run has open on this machine that must not outlive it even when the process is made
 * to exit at once: docker children (their process groups) and temporary directories holding a
 * registry login.
 */
const childGroups = new Set();
const tempDirs = new Set();
const tracked = {
    childGroup(pid) {
        childGroups.add(pid);
        return () => childGroups.delete(pid);
    },
    tempDir(path) {
        tempDirs.add(path);
        return () => tempDirs.delete(path);
    },
};
/** Signals a process group; a group that is gone already is no error. */
function signalGroup(pid, signal) {
    try {
        process.kill(-pid, signal);
    }
    catch {
        // already gone
    }
}
/** Kills every docker child and removes every temporary directory, synchronously. */
function stopEverythingNow() {
    for (const pid of childGroups)
        signalGroup(pid, "SIGKILL");
    for (const dir of tempDirs) {
        try {
            (0,external_node_fs_namespaceObject.rmSync)(dir, { recursive: true, force: true });
        }
        catch {
            // nothing more can be done on the way out
        }
    }
}
const EXIT_CODES = { SIGHUP: 129, SIGINT: 130, SIGTERM: 143 };
/**
 * Turns the first SIGINT/SIGTERM/SIGHUP into an aborted signal, so the run stops its work and
 * reports what it changed. A second signal ends the process at once, after killing the docker
 * children and removing the temporary files.
 */
function listenForCancel(write) {
    const controller = new AbortController();
    const names = ["SIGINT", "SIGTERM", "SIGHUP"];
    const onSignal = (name) => {
        if (!controller.signal.aborted) {
            write(`Received ${name}: stopping; a second signal ends the step at once.`);
            controller.abort(name);
            return;
        }
        stopEverythingNow();
        write(`Received ${name} again: stopped at once.`);
        process.exit(EXIT_CODES[name] ?? 130);
    };
    for (const name of names)
        process.on(name, onSignal);
    return {
        signal: controller.signal,
        dispose: () => {
            for (const name of names)
                process.off(name, onSignal);
        },
    };
}

// EXTERNAL MODULE: external "node:fs/promises"
var promises_ = __nccwpck_require__(1455);
;// CONCATENATED MODULE: external "node:os"
const external_node_os_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:os");
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __nccwpck_require__(6760);
;// CONCATENATED MODULE: external "node:timers/promises"
const external_node_timers_promises_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:timers/promises");
;// CONCATENATED MODULE: ./src/platform/cli-plugins.ts




/** Where the docker CLI looks for plugins (docker/cli's plugin manager), in its order. */
function pluginDirs(env, extraDirs = []) {
    const configDir = env.DOCKER_CONFIG ?? (0,external_node_path_.join)(env.HOME ?? (0,external_node_os_namespaceObject.homedir)(), ".docker");
    return [
        ...extraDirs,
        (0,external_node_path_.join)(configDir, "cli-plugins"),
        "/usr/local/lib/docker/cli-plugins",
        "/usr/local/libexec/docker/cli-plugins",
        "/usr/lib/docker/cli-plugins",
        "/usr/libexec/docker/cli-plugins",
    ];
}
/**
 * Whether `docker <name>` runs a plugin, decided as the docker CLI decides it, without starting
 * the CLI (which costs about 0.1 s on the way to the build): the first plugin dir that has
 * docker-<name> (symlinks followed) is the only one looked at, and the CLI can run it only when
 * it is an executable file. A plugin it cannot run means no plugin, as for the CLI.
 */
async function hasCliPlugin(name, env) {
    const configDir = env.DOCKER_CONFIG ?? (0,external_node_path_.join)(env.HOME ?? (0,external_node_os_namespaceObject.homedir)(), ".docker");
    let extra = [];
    try {
        const config = JSON.parse(await (0,promises_.readFile)((0,external_node_path_.join)(configDir, "config.json"), "utf8"));
        if (Array.isArray(config.cliPluginsExtraDirs))
            extra = config.cliPluginsExtraDirs.filter((d) => typeof d === "string");
    }
    catch {
        extra = [];
    }
    for (const dir of pluginDirs(env, extra)) {
        const path = (0,external_node_path_.join)(dir, `docker-${name}`);
        let isFile;
        try {
            isFile = (await (0,promises_.stat)(path)).isFile();
        }
        catch (error) {
            // Only a path that does not exist sends the CLI on to the next dir.
            if (error.code === "ENOENT")
                continue;
            return false;
        }
        if (!isFile)
            return false;
        return (0,promises_.access)(path, external_node_fs_namespaceObject.constants.X_OK).then(() => true, () => false);
    }
    return false;
}

;// CONCATENATED MODULE: ./src/core/docker-config.ts

function isObject(value) {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}
/**
 * The user's docker config.json as the temporary one should start: everything kept (proxies,
 * aliases, current context, logins to other registries) except, when we log in ourselves, what
 * would send OUR login somewhere that outlives the run (credsStore) or shadow it (an existing
 * login or credential helper for the registry we log in to). With `keepLogin` nothing is
 * dropped: nothing is logged in, so nothing of ours can reach a store.
 */
function isolatedDockerConfig(userConfig, registryHost, keepLogin = false) {
    const out = isObject(userConfig) ? { ...userConfig } : {};
    if (keepLogin)
        return out;
    const host = normalizeRegistryHost(registryHost);
    delete out.credsStore;
    for (const key of ["auths", "credHelpers"]) {
        const section = out[key];
        if (!isObject(section))
            continue;
        out[key] = Object.fromEntries(Object.entries(section).filter(([address]) => normalizeRegistryHost(address) !== host));
    }
    return out;
}

;// CONCATENATED MODULE: ./src/platform/docker-config.ts




async function exists(path) {
    try {
        await (0,promises_.stat)(path);
        return true;
    }
    catch {
        return false;
    }
}
/**
 * Temporary docker configs in `tempRoot`, started from the user's config dir: config.json
 * without credential stores or logins for our registry (unless the user's login is kept); buildx/ and contexts/ copied (so the
 * builder chosen by earlier steps is used and its state writes stay here); cli-plugins/ linked.
 */
function tempDockerConfigs(userConfigDir, tempRoot) {
    return async (registryHost, options = {}) => {
        const dir = await (0,promises_.mkdtemp)((0,external_node_path_.join)(tempRoot, "dokploy-deploy-"));
        // Known from the start, so that even a process made to exit at once removes it.
        const untrack = tracked.tempDir(dir);
        await (0,promises_.chmod)(dir, 0o700);
        let userConfig = {};
        try {
            userConfig = JSON.parse(await (0,promises_.readFile)((0,external_node_path_.join)(userConfigDir, "config.json"), "utf8"));
        }
        catch {
            userConfig = {};
        }
        await (0,promises_.writeFile)((0,external_node_path_.join)(dir, "config.json"), JSON.stringify(isolatedDockerConfig(userConfig, registryHost, options.keepLogin), null, 2), {
            mode: 0o600,
        });
        for (const name of ["buildx", "contexts"]) {
            const source = (0,external_node_path_.join)(userConfigDir, name);
            if (await exists(source))
                await (0,promises_.cp)(source, (0,external_node_path_.join)(dir, name), { recursive: true });
        }
        const plugins = (0,external_node_path_.join)(userConfigDir, "cli-plugins");
        if (await exists(plugins))
            await (0,promises_.symlink)(plugins, (0,external_node_path_.join)(dir, "cli-plugins"));
        return {
            dir,
            readFile: async (name) => {
                try {
                    return await (0,promises_.readFile)((0,external_node_path_.join)(dir, name), "utf8");
                }
                catch {
                    return undefined;
                }
            },
            writeFile: async (name, text) => {
                await (0,promises_.writeFile)((0,external_node_path_.join)(dir, name), text, { mode: 0o600 });
                return (0,external_node_path_.join)(dir, name);
            },
            remove: async () => {
                await (0,promises_.rm)(dir, { recursive: true, force: true });
                untrack();
            },
        };
    };
}

;// CONCATENATED MODULE: external "node:child_process"
const external_node_child_process_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:child_process");
;// CONCATENATED MODULE: ./src/platform/exec.ts


/** After SIGTERM, how long a docker command gets to stop before its group is killed. */
const KILL_AFTER_MS = 5_000;
/** Output kept of a program, per stream: the end of it (the part an error message shows). */
const KEPT_OUTPUT = 1024 * 1024;
const LONGEST_LINE = 64 * 1024;
/** Variables that hold secrets by name: the CLI's inputs (its GitHub twins are all INPUT_*). */
const SECRET_VARIABLES = new Set(["DOKPLOY_API_KEY", "REGISTRY_PASSWORD", "PULL_PASSWORD"]);
/**
 * The environment children get: this process's, without the action's inputs (INPUT_*), the
 * CLI's secret variables, and any variable whose value is one of `secrets`, except those in
 * `keep` (variables a build secret is read from, e.g. build-secrets: id=npm,env=NPM_TOKEN).
 */
function childEnvironment(env, secrets = [], keep = []) {
    const values = new Set(secrets.filter((s) => s !== ""));
    const kept = {};
    for (const [name, value] of Object.entries(env)) {
        const secret = name.startsWith("INPUT_") || SECRET_VARIABLES.has(name) || (value !== undefined && values.has(value.trim()));
        if (!secret || keep.includes(name))
            kept[name] = value;
    }
    return kept;
}
/** Collects a program's output: the end of each stream, and each line for `onLine`. */
class Output {
    onLine;
    text = { stdout: "", stderr: "" };
    pending = { stdout: "", stderr: "" };
    constructor(onLine) {
        this.onLine = onLine;
    }
    take(stream, chunk) {
        const text = chunk.toString("utf8");
        const kept = this.text[stream] + text;
        this.text[stream] = kept.length > 2 * KEPT_OUTPUT ? kept.slice(-KEPT_OUTPUT) : kept;
        const lines = (this.pending[stream] + text).split(/\r?\n/);
        this.pending[stream] = lines.pop() ?? "";
        // A line that never ends (a progress bar without newlines) is handed over in pieces.
        if (this.pending[stream].length > LONGEST_LINE) {
            lines.push(this.pending[stream]);
            this.pending[stream] = "";
        }
        for (const line of lines)
            this.onLine?.(line, stream);
    }
    flush() {
        for (const stream of ["stdout", "stderr"]) {
            if (this.pending[stream])
                this.onLine?.(this.pending[stream], stream);
        }
    }
}
/**
 * Exec over child_process with `baseEnv` as the environment: output is captured and handed
 * over line by line (never echoed raw), stdin gets `input` and is closed, and an aborted signal
 * ends the program with everything it started: each program runs in its own process group
 * (docker runs plugins such as buildx as children), which gets SIGTERM, then SIGKILL if it has
 * not ended in a few seconds.
 */
function execWith(baseEnv) {
    return (file, args, options = {}) => new Promise((resolve) => {
        const env = { ...baseEnv, ...options.env };
        const output = new Output(options.onLine);
        const child = (0,external_node_child_process_namespaceObject.spawn)(file, [...args], { cwd: options.cwd, env, stdio: ["pipe", "pipe", "pipe"], detached: true });
        const pid = child.pid;
        const untrack = pid === undefined ? () => false : tracked.childGroup(pid);
        let killer;
        const onAbort = () => {
            if (pid === undefined)
                return;
            signalGroup(pid, "SIGTERM");
            killer = setTimeout(() => {
                signalGroup(pid, "SIGKILL");
            }, KILL_AFTER_MS);
        };
        if (options.signal?.aborted)
            onAbort();
        options.signal?.addEventListener("abort", onAbort, { once: true });
        child.stdout.on("data", (chunk) => {
            output.take("stdout", chunk);
        });
        child.stderr.on("data", (chunk) => {
            output.take("stderr", chunk);
        });
        child.stdin.on("error", () => undefined); // a program that does not read stdin
        child.stdin.end(options.input ?? "");
        let done = false;
        const finish = (exitCode, extra = "") => {
            if (done)
                return;
            done = true;
            untrack();
            clearTimeout(killer);
            options.signal?.removeEventListener("abort", onAbort);
            output.flush();
            resolve({ exitCode, stdout: output.text.stdout, stderr: output.text.stderr + extra });
        };
        // Not installed, not executable: like a shell, answer 127.
        child.on("error", (error) => finish(127, `${file}: ${error.message}`));
        child.on("close", (code, signal) => finish(code ?? (signal ? 128 + 15 : 1)));
    });
}
/** Exec with this process's environment, less the secrets it holds by name. */
const nodeExec = (file, args, options) => execWith(childEnvironment(process.env))(file, args, options);

;// CONCATENATED MODULE: ./src/platform/ports.ts







/** The real ports on Node: docker on PATH, one keep-alive HTTP pool, temp files under `tempRoot`. */
function nodePorts(logger, env, options = {}) {
    // One keep-alive pool for the whole run, made (and undici loaded) when HTTP is first needed.
    let pool;
    const userConfigDir = env.DOCKER_CONFIG ?? (0,external_node_path_.join)(env.HOME ?? (0,external_node_os_namespaceObject.homedir)(), ".docker");
    return {
        exec: execWith(childEnvironment(env, options.secrets, options.keepEnv)),
        logger,
        loadDispatcher: () => (pool ??= __nccwpck_require__.e(/* import() */ 752).then(__nccwpck_require__.t.bind(__nccwpck_require__, 6752, 19)).then(({ Agent }) => new Agent({ keepAliveTimeout: 30_000, connections: 8 }))),
        createDockerConfig: tempDockerConfigs(userConfigDir, options.tempRoot ?? (0,external_node_os_namespaceObject.tmpdir)()),
        now: () => new Date(),
        clock: () => performance.now(),
        sleep: (ms, signal) => (0,external_node_timers_promises_namespaceObject.setTimeout)(ms, undefined, { signal }).catch(() => undefined),
        random: Math.random,
        hasBuildx: () => hasCliPlugin("buildx", env),
        readText: (path) => (0,promises_.readFile)(path, "utf8").catch(() => undefined),
        close: async () => {
            if (pool)
                await (await pool).close();
        },
    };
}

;// CONCATENATED MODULE: ./src/github/commands.ts


/** Escapes a workflow command's message, as the runner expects (%, CR, LF). */
function escapeData(text) {
    return text.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
}
/**
 * The runner reads an input from INPUT_<NAME> (spaces to _, upper case). Trimmed, but for
 * secrets only their line breaks at either end: the config trims them and says so.
 */
function getInput(env, name, secret = false) {
    const value = env[`INPUT_${name.replace(/ /g, "_").toUpperCase()}`] ?? "";
    return secret ? value.replace(/^[\r\n]+|[\r\n]+$/g, "") : value.trim();
}
/** Characters .NET's culture-aware comparisons skip: the runner would not see them between the colons. */
// eslint-disable-next-line no-misleading-character-class -- these are single code points the runner skips, not combined characters
const IGNORABLE = /[\p{Cf}\u034f\u115f\u1160\u17b4\u17b5\u180b-\u180f\u3164\ufe00-\ufe0f\uffa0]/gu;
/**
 * Whether the runner could take the line for a workflow command: `::` after leading white
 * space, or the old `##[` form anywhere in the line.
 */
function mayBeWorkflowCommand(line) {
    const visible = line.replace(IGNORABLE, "");
    return /^[\s\u0085]*::/.test(visible) || visible.includes("##[");
}
/** A fresh token for ::stop-commands::, which no printed text can guess. */
function stopToken() {
    return (0,external_node_crypto_.randomBytes)(16).toString("hex");
}
/**
 * The log as the runner reads it: plain lines, and ::debug/warning/error/group:: commands.
 * Written directly, so the toolkit (and its HTTP client) loads only at the end, for outputs
 * and the job summary, while docker already works. Never ::add-mask::, which would print
 * the secret; everything reaching here went through the redactor. Text that could be taken
 * for a workflow command (build output, Dokploy's answers and log) is printed between
 * ::stop-commands:: and its token, so the runner shows it and obeys none of it.
 */
function githubLogger(write, debug, token = stopToken) {
    const command = (name, message) => {
        write(`::${name}::${escapeData((0,log/* messageLines */.VL)(message).join("\n"))}`);
    };
    return {
        debug: (m) => {
            if (debug)
                command("debug", m);
        },
        info: (m) => {
            const lines = (0,log/* printableLines */.fk)(m);
            if (!lines.some(mayBeWorkflowCommand)) {
                lines.forEach(write);
                return;
            }
            const stop = token();
            write(`::stop-commands::${stop}`);
            lines.forEach(write);
            write(`::${stop}::`);
        },
        warn: (m) => {
            command("warning", m);
        },
        error: (m) => {
            command("error", m);
        },
        group: async (title, fn) => {
            command("group", title);
            try {
                return await fn();
            }
            finally {
                write("::endgroup::");
            }
        },
    };
}

;// CONCATENATED MODULE: ./src/github/context.ts

/** The commit message of a push event, from the event payload the runner wrote. */
async function headCommitMessage(eventPath) {
    if (!eventPath)
        return undefined;
    try {
        const payload = JSON.parse(await (0,promises_.readFile)(eventPath, "utf8"));
        const message = payload.head_commit?.message;
        return typeof message === "string" ? message : undefined;
    }
    catch {
        return undefined;
    }
}
/**
 * The commit being deployed, from the runner's GITHUB_* variables and event payload: the same
 * values @actions/github's context holds, without loading an API client the action never uses.
 */
async function ciContextFromGithub(env) {
    const server = env.GITHUB_SERVER_URL ?? "https://github.com";
    const repository = env.GITHUB_REPOSITORY || undefined;
    const base = repository ? `${server}/${repository}` : undefined;
    return {
        sha: env.GITHUB_SHA ?? "",
        repository,
        repositoryUrl: base,
        runUrl: base && env.GITHUB_RUN_ID ? `${base}/actions/runs/${env.GITHUB_RUN_ID}` : undefined,
        commitMessage: await headCommitMessage(env.GITHUB_EVENT_PATH),
    };
}

;// CONCATENATED MODULE: ./src/github/api.ts
/** The few GitHub REST calls the step makes, behind a port; Octokit loads only when one is made. */
/**
 * The API over Octokit, at GITHUB_API_URL (GitHub Enterprise Server too), through the runner's
 * proxy settings. Each request gives up after `timeoutMs`.
 */
async function octokitApi(token, repo, timeoutMs) {
    const { getOctokit } = await __nccwpck_require__.e(/* import() */ 542).then(__nccwpck_require__.bind(__nccwpck_require__, 542));
    const octokit = getOctokit(token);
    const request = () => ({ signal: AbortSignal.timeout(timeoutMs) });
    return {
        async createDeployment(deployment) {
            const { data } = await octokit.rest.repos.createDeployment({
                ...repo,
                ref: deployment.ref,
                environment: deployment.environment,
                description: deployment.description,
                auto_merge: false,
                required_contexts: [],
                request: request(),
            });
            if (!("id" in data))
                throw new Error(`GitHub did not create the deployment: ${data.message ?? "no id"}`);
            return data.id;
        },
        async setDeploymentStatus(id, status) {
            await octokit.rest.repos.createDeploymentStatus({
                ...repo,
                deployment_id: id,
                state: status.state,
                description: status.description,
                environment_url: status.environmentUrl,
                log_url: status.logUrl,
                request: request(),
            });
        },
        async findComment(issue, wanted) {
            const pages = octokit.paginate.iterator(octokit.rest.issues.listComments, {
                ...repo,
                issue_number: issue,
                per_page: 100,
                request: request(),
            });
            for await (const { data } of pages) {
                const found = data.find((comment) => wanted(comment.body ?? ""));
                if (found)
                    return { id: found.id, body: found.body ?? "" };
            }
            return undefined;
        },
        async createComment(issue, body) {
            await octokit.rest.issues.createComment({ ...repo, issue_number: issue, body, request: request() });
        },
        async updateComment(id, body) {
            await octokit.rest.issues.updateComment({ ...repo, comment_id: id, body, request: request() });
        },
        async openPullRequestsOf(sha) {
            const { data } = await octokit.rest.repos.listPullRequestsAssociatedWithCommit({
                ...repo,
                commit_sha: sha,
                request: request(),
            });
            return data.filter((pull) => pull.state === "open").map((pull) => pull.number);
        },
    };
}

;// CONCATENATED MODULE: ./src/github/report.ts



/** GitHub keeps at most 140 characters of a deployment or status description. */
const DESCRIPTION_MAX = 140;
/** Of the error in the comment (GitHub takes comments of up to 65536 characters). */
const COMMENT_ERROR_MAX = 8_000;
function report_short(text, max = DESCRIPTION_MAX) {
    const line = text.split("\n")[0]?.trim() ?? "";
    return line.length <= max ? line : `${line.slice(0, max - 1)}…`;
}
/**
 * The deployment's last status: success when our image runs; inactive when a later run's image
 * runs instead (GitHub marks that run's deployment active); failure otherwise, cancelled too.
 * Without waiting, Dokploy only queued it: it stays queued.
 */
function finalState(outcome, wait) {
    if (outcome.error)
        return "failure";
    if (outcome.result.deploymentStatus === "superseded")
        return "inactive";
    return wait ? "success" : "queued";
}
/** The status to post for the run's outcome. */
function finalStatus(outcome, wait, links) {
    const state = finalState(outcome, wait);
    const { result, error } = outcome;
    const description = state === "failure"
        ? report_short(error?.message ?? "failed")
        : state === "inactive"
            ? "Superseded: a later run's image runs"
            : state === "queued"
                ? `Queued in Dokploy (not followed: wait is false): ${result.image}`
                : `${result.image} runs`;
    return { state, description: report_short(description), environmentUrl: links.environmentUrl, logUrl: links.runUrl };
}
/**
 * The hidden line that finds this comment on re-runs: one per set of targets (or, building
 * without deploying, per image) and environment.
 */
function commentMarker(config) {
    // Names and the environment are the user's text: encoded, they cannot end the HTML comment.
    const targets = config.targets.map((t) => `${t.kind}=${encodeURIComponent(t.id ?? t.name)}`);
    const subject = config.deploy && targets.length > 0 ? targets.join(" ") : `build=${config.image.name}`;
    return `<!-- dokploy-deploy ${subject} environment=${encodeURIComponent(config.github.environment)} -->`;
}
function verdict(config, outcome) {
    if (outcome.error instanceof errors/* CancelledError */.cc)
        return "⏹️ Deploy cancelled";
    if (!config.deploy && !outcome.error) {
        return config.pushImage ? "✅ Built and pushed (deploy: false)" : "✅ Built (deploy: false)";
    }
    switch (finalState(outcome, config.wait)) {
        case "failure":
            return "❌ Deploy failed";
        case "inactive":
            return "⚠️ Superseded by a later run";
        case "queued":
            return "⏳ Queued in Dokploy";
        default:
            return "✅ Deployed";
    }
}
function cell(text) {
    return text.replace(/\|/g, "\\|").replace(/\r?\n|\r/g, " ");
}
/**
 * Text from Dokploy or the user as inline code: the comment is public, and a name must not
 * mention people, add markup or links.
 */
function code(text) {
    return `\`${text.replace(/`/g, "'").replace(/\r?\n|\r/g, " ")}\``;
}
/** A link whose URL cannot end early or add markup. */
function report_link(text, url) {
    if (!url)
        return text;
    const safe = url.replace(/[()<>\s"]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, "0")}`);
    return `[${text}](${safe})`;
}
/** The targets as far as the run got: checked ones with what Dokploy said, else as given. */
function shownTargets(config, result) {
    if (result.targets.length > 0)
        return result.targets.map((t) => ({ ...t, name: t.name ?? t.id }));
    return config.targets.map((t) => ({ kind: t.kind, id: t.id ?? t.name, name: t.id ?? t.name }));
}
function statusOf(target, error) {
    return target.deploymentId
        ? `${target.deploymentStatus ?? "?"} (deployment ${code(target.deploymentId)})`
        : (target.deploymentStatus ?? (error ? "not deployed" : "?"));
}
function targetCell(target) {
    return `${report_link(code(target.name), target.url)} (Dokploy ${target.kind} ${code(target.id)})`;
}
/** Where it went: one target with its status, or a row per target; nothing without deploying. */
function targetRows(config, outcome, links) {
    if (!config.deploy)
        return [];
    const targets = shownTargets(config, outcome.result);
    const environment = ["Environment", report_link(code(config.github.environment), links.environmentUrl)];
    const [only] = targets;
    if (targets.length === 1 && only) {
        return [["Target", targetCell(only)], environment, ["Status", statusOf(only, outcome.error)]];
    }
    return [
        ...targets.map((t) => ["Target", `${targetCell(t)}: ${statusOf(t, outcome.error)}`]),
        environment,
    ];
}
/** What the heading names: the target (or the first and how many more), or the image. */
function report_subjectOf(config, result) {
    if (!config.deploy)
        return code(result.image);
    const [first, ...more] = shownTargets(config, result);
    const name = code(first?.name ?? "");
    return more.length > 0 ? `${name} and ${String(more.length)} more` : name;
}
/** The pull-request comment: what was deployed where, how it ended, and where to look. */
function commentBody(config, outcome, links) {
    const { result, error } = outcome;
    const rows = [
        ["Image", code(result.image)],
        ["Digest", result.digest ? code(result.digest) : "—"],
        ...targetRows(config, outcome, links),
    ];
    if (config.ci.sha)
        rows.push(["Commit", code(config.ci.sha.slice(0, 7))]);
    if (links.runUrl)
        rows.push(["Run", report_link("log", links.runUrl)]);
    const lines = [
        commentMarker(config),
        `### ${verdict(config, outcome)}: ${report_subjectOf(config, result)}`,
        "",
        "| | |",
        "|---|---|",
        ...rows.map(([key, value]) => `| ${key} | ${cell(value)} |`),
        "",
    ];
    if (error) {
        lines.push("<details><summary>Why</summary>", "", ...codeBlock((0,log/* cut */.Jj)(error.message, COMMENT_ERROR_MAX)), "</details>");
    }
    return `${lines.join("\n")}\n`;
}

;// CONCATENATED MODULE: ./src/github/native.ts
/**
 * What the step shows on GitHub beside its log: a deployment of the environment (in progress
 * once Dokploy runs ours, then how it ended) and one pull-request comment. GitHub's API failing
 * is a warning: it never fails a deploy.
 */






const PULL_REQUEST_EVENTS = new Set(["pull_request", "pull_request_target"]);
/** The pull request the event is about, from the payload the runner wrote. */
async function pullRequestOfEvent(env) {
    if (!PULL_REQUEST_EVENTS.has(env.GITHUB_EVENT_NAME ?? "") || !env.GITHUB_EVENT_PATH)
        return undefined;
    try {
        const payload = JSON.parse(await (0,promises_.readFile)(env.GITHUB_EVENT_PATH, "utf8"));
        const number = payload.pull_request?.number;
        return typeof number === "number" ? number : undefined;
    }
    catch {
        return undefined;
    }
}
/** Why a call failed, with what to change when GitHub refused the token. */
function describeFailure(error) {
    const status = error?.status;
    const message = (0,errors/* errorMessage */.gJ)(error).split("\n")[0] ?? "";
    if (status === 403 || status === 404) {
        return `HTTP ${String(status)}: ${message}. The token needs the permissions deployments: write and pull-requests: write (a pull request from a fork gets a read-only token)`;
    }
    return typeof status === "number" ? `HTTP ${String(status)}: ${message}` : message;
}
class GithubNative {
    config;
    env;
    logger;
    load;
    wants;
    deployment;
    api;
    constructor(config, env, logger, load, wants) {
        this.config = config;
        this.env = env;
        this.logger = logger;
        this.load = load;
        this.wants = wants;
    }
    /** Creates the GitHub deployment once Dokploy's is triggered: from then on something is deploying. */
    onChange = (change) => {
        if (change.kind !== "deployment" || !this.wants.deployment || this.deployment)
            return;
        this.deployment = this.startDeployment(change.url);
    };
    /** Posts how the run ended, and comments on the pull request. Never throws. */
    async finish(outcome) {
        const links = {
            environmentUrl: this.config.github.environmentUrl ?? outcome.result.applicationUrl,
            runUrl: this.config.ci.runUrl,
        };
        const id = await this.deployment;
        const status = finalStatus(outcome, this.config.wait, links);
        // Without waiting, the status posted at the trigger (queued) is the last word.
        if (id !== undefined && status.state !== "queued") {
            await this.attempt("set the GitHub deployment's status", (api) => api.setDeploymentStatus(id, status));
        }
        if (this.wants.comment) {
            await this.attempt("comment on the pull request", (api) => this.comment(api, outcome, links));
        }
    }
    async startDeployment(dokployUrl) {
        const { config } = this;
        let id;
        await this.attempt(`create a GitHub deployment of ${config.github.environment}`, async (api) => {
            id = await api.createDeployment({
                ref: config.ci.sha,
                environment: config.github.environment,
                description: `Deploy ${config.tag.slice(0, 12)} to Dokploy`,
            });
            await api.setDeploymentStatus(id, {
                state: config.wait ? "in_progress" : "queued",
                description: config.wait ? "Dokploy is deploying it" : "Queued in Dokploy (not followed: wait is false)",
                environmentUrl: config.github.environmentUrl ?? dokployUrl,
                logUrl: config.ci.runUrl,
            });
            this.logger.info(`GitHub deployment ${String(id)} of ${config.github.environment}: ${config.wait ? "in progress" : "queued"}`);
        });
        return id;
    }
    async comment(api, outcome, links) {
        const issue = await this.pullRequest(api);
        if (issue === undefined) {
            this.logger.info("No open pull request for this commit: no comment.");
            return;
        }
        const marker = commentMarker(this.config);
        const body = commentBody(this.config, outcome, links);
        const existing = await api.findComment(issue, (text) => text.includes(marker));
        if (existing)
            await api.updateComment(existing.id, body);
        else
            await api.createComment(issue, body);
        this.logger.info(`${existing ? "Updated the comment" : "Commented"} on pull request #${String(issue)}`);
    }
    /** The event's pull request; with pr-comment: true on another event, the commit's open one. */
    async pullRequest(api) {
        const ofEvent = await pullRequestOfEvent(this.env);
        if (ofEvent !== undefined || this.config.github.prComment !== true || !this.config.ci.sha)
            return ofEvent;
        return (await api.openPullRequestsOf(this.config.ci.sha)).at(0);
    }
    async attempt(what, fn) {
        try {
            await fn(await (this.api ??= this.load()));
        }
        catch (error) {
            this.logger.warn(`Could not ${what} (${describeFailure(error)}); the deploy goes on without it.`);
        }
    }
}
/**
 * The GitHub side of a run, or undefined when there is nothing to do (then the API client is
 * never loaded): a deployment with github-deployment, a comment on pull requests (pr-comment).
 */
function githubNative(config, env, logger, load = octokitApi) {
    const { token, deployment, prComment } = config.github;
    const comment = prComment ?? PULL_REQUEST_EVENTS.has(env.GITHUB_EVENT_NAME ?? "");
    if (config.dryRun || !token || (!deployment && !comment))
        return undefined;
    const [owner, repo] = (env.GITHUB_REPOSITORY ?? "").split("/");
    const redactor = new log/* Redactor */.pO();
    for (const secret of secretsOf(config))
        redactor.add(secret);
    const masked = (0,log/* redactingLogger */.S)(logger, redactor);
    if (!owner || !repo) {
        masked.warn("GITHUB_REPOSITORY is not set: no GitHub deployment and no pull-request comment.");
        return undefined;
    }
    const timeoutMs = config.requestTimeoutSeconds * 1000;
    return new GithubNative(config, env, masked, () => load(token, { owner, repo }, timeoutMs), {
        deployment: deployment && config.ci.sha !== "",
        comment,
    });
}

;// CONCATENATED MODULE: ./src/github/action.ts










const write = (line) => {
    process.stdout.write(`${line}\n`);
};
// The runner shows ::debug:: lines only when step debugging is on; skip writing them otherwise.
const logger = githubLogger(write, process.env.RUNNER_DEBUG === "1" || process.env.ACTIONS_STEP_DEBUG === "true");
function fail(error) {
    logger.error((0,errors/* errorMessage */.gJ)(error));
    process.exitCode = error instanceof errors/* DeployError */.sH ? error.exitCode : 1;
}
async function main(env) {
    const raw = {};
    for (const input of INPUTS)
        raw[input.name] = getInput(env, input.name, "secret" in input && input.secret);
    const config = parseConfig(raw, await ciContextFromGithub(env));
    for (const notice of config.notices)
        write(`::notice::${escapeData(notice)}`);
    // The toolkit writes outputs and the summary in the runner's file formats. It loads while
    // docker works, not on the way to the build.
    let toolkit;
    const base = nodePorts(logger, env, {
        tempRoot: env.RUNNER_TEMP,
        secrets: secretsOf(config),
        keepEnv: buildSecretEnvNames(config),
    });
    // Deployments and the pull-request comment; undefined (and Octokit never loaded) when off.
    const github = githubNative(config, env, logger);
    const ports = {
        ...base,
        whileDockerWorks: () => (toolkit ??= __nccwpck_require__.e(/* import() */ 421).then(__nccwpck_require__.bind(__nccwpck_require__, 6421))),
        onChange: github?.onChange,
    };
    const cancel = listenForCancel(write);
    const outcome = await run(config, ports, cancel.signal).finally(() => base.close());
    const core = await (toolkit ??= __nccwpck_require__.e(/* import() */ 421).then(__nccwpck_require__.bind(__nccwpck_require__, 6421)));
    const outputs = outputsOf(outcome.result);
    for (const output of OUTPUTS)
        core.setOutput(output.name, outputs[output.name]);
    if (env.GITHUB_STEP_SUMMARY) {
        try {
            await core.summary.addRaw(summaryMarkdown(config, outcome)).write();
        }
        catch (error) {
            logger.warn(`Could not write the job summary: ${(0,errors/* errorMessage */.gJ)(error)}`);
        }
    }
    await github?.finish(outcome);
    if (outcome.error)
        fail(outcome.error);
    cancel.dispose();
}
/**
 * The action: reads its inputs from the environment as the runner sets them, deploys, and sets
 * the outputs, the job summary and the exit code. Never rejects. Exported apart from the entry
 * point (main.ts) so that GitHub's local runner, @github/local-action, can call it.
 */
async function action_run() {
    await main(process.env).catch(fail);
}

;// CONCATENATED MODULE: ./src/github/main.ts
/** The entry point GitHub runs (dist/index.js): the action itself is in action.ts. */

void action_run();

