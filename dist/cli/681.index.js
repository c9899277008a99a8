export const id = 681;
export const ids = [681];
export const modules = {

/***/ 4681:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

__webpack_require__.r(__webpack_exports__);
/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   CLOSE_DEADLINE_MS: () => (/* reexport safe */ _socket__WEBPACK_IMPORTED_MODULE_2__.P3),
/* harmony export */   ENDING_LINE: () => (/* binding */ ENDING_LINE),
/* harmony export */   LineSplitter: () => (/* reexport safe */ _socket__WEBPACK_IMPORTED_MODULE_2__.g3),
/* harmony export */   PRINTED_LINE_LIMIT: () => (/* reexport safe */ _socket__WEBPACK_IMPORTED_MODULE_2__.sB),
/* harmony export */   TAIL_LINE_LIMIT: () => (/* reexport safe */ _socket__WEBPACK_IMPORTED_MODULE_2__.Oh),
/* harmony export */   liveLogUrl: () => (/* binding */ liveLogUrl),
/* harmony export */   shorten: () => (/* reexport safe */ _socket__WEBPACK_IMPORTED_MODULE_2__.ml),
/* harmony export */   streamDeploymentLog: () => (/* binding */ streamDeploymentLog)
/* harmony export */ });
/* harmony import */ var node_util__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(7975);
/* harmony import */ var node_util__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_util__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var undici__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(6752);
/* harmony import */ var _socket__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(5065);




const ENDING_LINE = /Docker Deployed: ✅|✅ Pulling image completed|❌/;
function liveLogUrl(baseUrl, logPath, serverId) {
    const url = new URL(`${baseUrl}/listen-deployment`);
    url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
    url.searchParams.set("logPath", logPath);
    if (serverId)
        url.searchParams.set("serverId", serverId);
    return url.toString();
}
class DeploymentLogStream {
    options;
    lines = [];
    splitter = new _socket__WEBPACK_IMPORTED_MODULE_2__/* .LineSplitter */ .g3();
    decoder = new node_util__WEBPACK_IMPORTED_MODULE_0__.TextDecoder();
    connection = (0,_socket__WEBPACK_IMPORTED_MODULE_2__/* .ownConnection */ .B$)();
    socket;
    firstData;
    arrived = () => undefined;
    closedByUs = false;
    isOpen = true;
    deadline;
    whole = 0;
    lastMessageAt = performance.now();
    constructor(options) {
        this.options = options;
        this.firstData = new Promise((resolve) => {
            this.arrived = resolve;
        });
        this.socket = new undici__WEBPACK_IMPORTED_MODULE_1__/* .WebSocket */ .kb(liveLogUrl(options.baseUrl, options.logPath, options.serverId), {
            headers: { "x-api-key": options.apiKey },
            dispatcher: this.connection.agent,
        });
        this.socket.binaryType = "arraybuffer";
        this.socket.addEventListener("message", (event) => {
            this.onMessage(event.data);
        });
        this.socket.addEventListener("close", (event) => {
            this.stopped((0,_socket__WEBPACK_IMPORTED_MODULE_2__/* .closeReason */ .Li)(event.code));
        });
        this.socket.addEventListener("error", () => {
            this.stopped("the connection failed");
        });
    }
    get open() {
        return this.isOpen;
    }
    tail() {
        return [...this.lines];
    }
    async received(ms) {
        let timer;
        await Promise.race([this.firstData, new Promise((resolve) => (timer = setTimeout(resolve, ms)))]);
        clearTimeout(timer);
    }
    catchUp(text, limit) {
        if (!this.isOpen)
            return true;
        const lines = text.split("\n");
        if (lines.at(-1) === "")
            lines.pop();
        if (lines.length >= limit)
            return false;
        this.splitter.reset();
        this.splitter
            .push(lines
            .slice(this.whole)
            .map((line) => `${line}\n`)
            .join(""))
            .forEach(this.emit);
        this.close();
        return true;
    }
    async settled(quietMs, maxMs) {
        const until = performance.now() + maxMs;
        for (;;) {
            const now = performance.now();
            const wait = Math.min(until, this.lastMessageAt + quietMs) - now;
            if (!this.isOpen || wait <= 0)
                return;
            await new Promise((resolve) => setTimeout(resolve, wait));
        }
    }
    close() {
        if (this.closedByUs)
            return;
        this.closedByUs = true;
        if (this.isOpen)
            this.splitter.flush().forEach(this.emit);
        this.isOpen = false;
        try {
            this.socket.close(1000);
        }
        catch {
        }
        this.deadline = setTimeout(this.connection.destroy, this.options.closeDeadlineMs ?? _socket__WEBPACK_IMPORTED_MODULE_2__/* .CLOSE_DEADLINE_MS */ .P3);
        this.deadline.unref();
    }
    onMessage(data) {
        try {
            this.lastMessageAt = performance.now();
            const received = this.splitter.push((0,_socket__WEBPACK_IMPORTED_MODULE_2__/* .messageText */ .Lo)(data, this.decoder));
            this.whole += received.length;
            received.forEach(this.emit);
            this.arrived();
            this.options.onLines?.(received.length);
            if (received.some((line) => ENDING_LINE.test(line.text)))
                this.options.onEnding?.();
        }
        catch (error) {
            this.options.logger.debug(`Live log: could not read a message: ${String(error)}`);
        }
    }
    emit = (line) => {
        const { logger, redactor } = this.options;
        const text = line.dropped > 0 ? redactor.redactCutOff(line.text) : redactor.redact(line.text);
        const masked = { text, dropped: line.dropped };
        logger.info(`│ ${(0,_socket__WEBPACK_IMPORTED_MODULE_2__/* .shorten */ .ml)(masked, _socket__WEBPACK_IMPORTED_MODULE_2__/* .PRINTED_LINE_LIMIT */ .sB)}`);
        this.lines.push((0,_socket__WEBPACK_IMPORTED_MODULE_2__/* .shorten */ .ml)(masked, _socket__WEBPACK_IMPORTED_MODULE_2__/* .TAIL_LINE_LIMIT */ .Oh));
        if (this.lines.length > (this.options.tailLines ?? 30))
            this.lines.shift();
    };
    stopped(why) {
        this.arrived();
        clearTimeout(this.deadline);
        this.connection.destroy();
        if (!this.isOpen)
            return;
        this.isOpen = false;
        this.splitter.flush().forEach(this.emit);
        if (!this.closedByUs)
            this.options.logger.info(`Live log unavailable (${why}); following the deployment by polling.`);
    }
}
function streamDeploymentLog(options) {
    return new DeploymentLogStream(options);
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
