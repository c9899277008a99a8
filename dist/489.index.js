export const id = 489;
export const ids = [489];
export const modules = {

/***/ 1489:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

__webpack_require__.r(__webpack_exports__);
/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   LIMIT_MS: () => (/* binding */ LIMIT_MS),
/* harmony export */   QUIET_MS: () => (/* binding */ QUIET_MS),
/* harmony export */   containerLogUrl: () => (/* binding */ containerLogUrl),
/* harmony export */   readContainerLogs: () => (/* binding */ readContainerLogs)
/* harmony export */ });
/* harmony import */ var node_util__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(7975);
/* harmony import */ var node_util__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_util__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var undici__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(6752);
/* harmony import */ var _shared_log__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(9847);
/* harmony import */ var _socket__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(5065);




const QUIET_MS = 1000;
const LIMIT_MS = 8000;
const SILENT_MS = 3000;
const REMOTE_SILENT_MS = 8000;
const REMOTE_LIMIT_MS = 12_000;
function containerLogUrl(request) {
    const url = new URL(`${request.baseUrl}/docker-container-logs`);
    url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
    const params = url.searchParams;
    params.set("containerId", request.containerId);
    params.set("tail", String(request.tail));
    params.set("since", "all");
    params.set("runType", request.runType);
    if (request.serverId)
        params.set("serverId", request.serverId);
    if (request.serviceId)
        params.set("serviceId", request.serviceId);
    return url.toString();
}
function limitsOf(request) {
    const remote = Boolean(request.serverId);
    return {
        silentMs: remote ? REMOTE_SILENT_MS : SILENT_MS,
        limitMs: request.limitMs ?? (remote ? REMOTE_LIMIT_MS : LIMIT_MS),
    };
}
const ESCAPE_SEQUENCE = /\u001b\[[0-9;?]*[ -/]*[@-~]/g;
const NANOSECONDS = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3})\d*Z /;
function shown(line, redactor) {
    const plain = line.text.replace(ESCAPE_SEQUENCE, "").replace(NANOSECONDS, "$1Z ");
    const text = line.dropped > 0 ? redactor.redactCutOff(plain) : redactor.redact(plain);
    return (0,_shared_log__WEBPACK_IMPORTED_MODULE_3__/* .printableLines */ .fk)((0,_socket__WEBPACK_IMPORTED_MODULE_2__/* .shorten */ .ml)({ text, dropped: line.dropped }, _socket__WEBPACK_IMPORTED_MODULE_2__/* .TAIL_LINE_LIMIT */ .Oh), Infinity).join(" ");
}
function openSocket(request, agent) {
    const headers = { "x-api-key": request.apiKey };
    const socket = new undici__WEBPACK_IMPORTED_MODULE_1__/* .WebSocket */ .kb(containerLogUrl(request), { headers, dispatcher: agent });
    socket.binaryType = "arraybuffer";
    return socket;
}
function readContainerLogs(request) {
    if (request.signal?.aborted)
        return Promise.resolve({ lines: [], unavailable: "the run was cancelled" });
    const connection = (0,_socket__WEBPACK_IMPORTED_MODULE_2__/* .ownConnection */ .B$)();
    const splitter = new _socket__WEBPACK_IMPORTED_MODULE_2__/* .LineSplitter */ .g3();
    const decoder = new node_util__WEBPACK_IMPORTED_MODULE_0__.TextDecoder();
    const lines = [];
    const keep = (line) => {
        lines.push(shown(line, request.redactor));
        if (lines.length > request.tail)
            lines.shift();
    };
    const socket = openSocket(request, connection.agent);
    const limits = limitsOf(request);
    return new Promise((resolve) => {
        const timers = [];
        let ended = false;
        const end = (why) => {
            if (ended)
                return;
            ended = true;
            timers.forEach(clearTimeout);
            request.signal?.removeEventListener("abort", onAbort);
            splitter.flush().forEach(keep);
            try {
                socket.close(1000);
            }
            catch {
            }
            connection.destroy();
            resolve(lines.length === 0 && why ? { lines, unavailable: why } : { lines });
        };
        const quiet = (ms) => {
            clearTimeout(timers[0]);
            timers[0] = setTimeout(() => {
                end(lines.length === 0 ? "the container printed nothing" : undefined);
            }, ms);
        };
        const onAbort = () => {
            end("the run was cancelled");
        };
        request.signal?.addEventListener("abort", onAbort, { once: true });
        socket.addEventListener("message", (event) => {
            splitter.push((0,_socket__WEBPACK_IMPORTED_MODULE_2__/* .messageText */ .Lo)(event.data, decoder)).forEach(keep);
            quiet(request.quietMs ?? QUIET_MS);
        });
        socket.addEventListener("close", (event) => {
            end((0,_socket__WEBPACK_IMPORTED_MODULE_2__/* .closeReason */ .Li)(event.code, "the container id"));
        });
        socket.addEventListener("error", () => {
            end("the connection failed");
        });
        socket.addEventListener("open", () => {
            quiet(limits.silentMs);
        });
        timers[1] = setTimeout(() => {
            end("no answer in time");
        }, limits.limitMs);
    });
}


/***/ }),

/***/ 5065:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   B$: () => (/* binding */ ownConnection),
/* harmony export */   Li: () => (/* binding */ closeReason),
/* harmony export */   Lo: () => (/* binding */ messageText),
/* harmony export */   Oh: () => (/* binding */ TAIL_LINE_LIMIT),
/* harmony export */   P3: () => (/* binding */ CLOSE_DEADLINE_MS),
/* harmony export */   g3: () => (/* binding */ LineSplitter),
/* harmony export */   ml: () => (/* binding */ shorten),
/* harmony export */   sB: () => (/* binding */ PRINTED_LINE_LIMIT)
/* harmony export */ });
/* harmony import */ var undici__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(6752);

const PRINTED_LINE_LIMIT = 4096;
const TAIL_LINE_LIMIT = 1000;
const BUFFERED_LINE_LIMIT = 64 * 1024;
const CLOSE_DEADLINE_MS = 1000;
function shorten(line, limit) {
    const length = line.text.length + line.dropped;
    if (length <= limit)
        return line.text;
    return `${line.text.slice(0, limit)}… (${String(length - limit)} more characters)`;
}
class LineSplitter {
    partial = "";
    dropped = 0;
    push(text) {
        const lines = [];
        const parts = text.split("\n");
        parts.forEach((part, i) => {
            const room = BUFFERED_LINE_LIMIT - this.partial.length;
            this.partial += part.slice(0, Math.max(0, room));
            this.dropped += Math.max(0, part.length - room);
            if (i < parts.length - 1)
                lines.push(this.take());
        });
        return lines;
    }
    reset() {
        this.partial = "";
        this.dropped = 0;
    }
    flush() {
        return this.partial || this.dropped ? [this.take()] : [];
    }
    take() {
        const line = { text: this.partial.replace(/\r$/, ""), dropped: this.dropped };
        this.partial = "";
        this.dropped = 0;
        return line;
    }
}
function ownConnection() {
    const connect = (0,undici__WEBPACK_IMPORTED_MODULE_0__/* .buildConnector */ .gU)({});
    const sockets = new Set();
    const agent = new undici__WEBPACK_IMPORTED_MODULE_0__/* .Agent */ .g6({
        connect: (options, callback) => {
            connect(options, (...result) => {
                const [, socket] = result;
                if (socket) {
                    socket.unref();
                    sockets.add(socket);
                }
                callback(...result);
            });
        },
    });
    return {
        agent,
        destroy: () => {
            for (const socket of sockets)
                socket.destroy();
            sockets.clear();
            agent.destroy().catch(() => undefined);
        },
    };
}
function closeReason(code, asked = "the log path") {
    if (code === 1005 || code === 1006)
        return `the socket closed at once (code ${String(code)}): Dokploy did not accept the API key for it or a proxy does not pass WebSockets`;
    if (code === 4000)
        return `Dokploy refused ${asked} (code 4000)`;
    if (code === 4003)
        return "Dokploy said the API key may not read it (code 4003)";
    return `closed with code ${String(code)}`;
}
function messageText(data, decoder) {
    if (typeof data === "string")
        return data;
    if (data instanceof ArrayBuffer)
        return decoder.decode(new Uint8Array(data), { stream: true });
    return "";
}


/***/ })

};
