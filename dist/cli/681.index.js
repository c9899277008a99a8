export const id = 681;
export const ids = [681];
export const modules = {

/***/ 4681:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

__webpack_require__.r(__webpack_exports__);
/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   CLOSE_DEADLINE_MS: () => (/* binding */ CLOSE_DEADLINE_MS),
/* harmony export */   ENDING_LINE: () => (/* binding */ ENDING_LINE),
/* harmony export */   LineSplitter: () => (/* binding */ LineSplitter),
/* harmony export */   PRINTED_LINE_LIMIT: () => (/* binding */ PRINTED_LINE_LIMIT),
/* harmony export */   TAIL_LINE_LIMIT: () => (/* binding */ TAIL_LINE_LIMIT),
/* harmony export */   liveLogUrl: () => (/* binding */ liveLogUrl),
/* harmony export */   shorten: () => (/* binding */ shorten),
/* harmony export */   streamDeploymentLog: () => (/* binding */ streamDeploymentLog)
/* harmony export */ });
/* harmony import */ var node_util__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(7975);
/* harmony import */ var node_util__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_util__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var undici__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(6752);


/**
 * Lines Dokploy writes as a deployment ends: "Docker Deployed: ✅" after a build, "✅ Pulling
 * image completed." before the service update of an image, and its error lines ("Error occurred
 * ❌", "ERROR: …: ❌", "❌ Error").
 */
const ENDING_LINE = /Docker Deployed: ✅|✅ Pulling image completed|❌/;
/** A log line is printed up to this long, and kept for the failure message up to TAIL_LINE_LIMIT. */
const PRINTED_LINE_LIMIT = 4096;
const TAIL_LINE_LIMIT = 1000;
/** A line that has not ended is buffered up to this long; the rest of it is only counted. */
const BUFFERED_LINE_LIMIT = 64 * 1024;
/** A close the server does not answer (a frozen proxy, a half-open connection) waits this long. */
const CLOSE_DEADLINE_MS = 1000;
/** ws(s)://…/listen-deployment?logPath=… for a Dokploy base URL. */
function liveLogUrl(baseUrl, logPath, serverId) {
    const url = new URL(`${baseUrl}/listen-deployment`);
    url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
    url.searchParams.set("logPath", logPath);
    if (serverId)
        url.searchParams.set("serverId", serverId);
    return url.toString();
}
/** `line` cut to `limit`, saying how many characters were left out. */
function shorten(line, limit) {
    const length = line.text.length + line.dropped;
    if (length <= limit)
        return line.text;
    return `${line.text.slice(0, limit)}… (${String(length - limit)} more characters)`;
}
/** Splits chunks of text into lines; a line that never ends costs at most BUFFERED_LINE_LIMIT. */
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
    /** The line not ended yet, if any. */
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
/**
 * The live log's own connection: its socket never keeps the process alive (unref), and
 * destroy() ends it at once, whatever the server does.
 */
function ownConnection() {
    const connect = (0,undici__WEBPACK_IMPORTED_MODULE_1__/* .buildConnector */ .gU)({});
    const sockets = new Set();
    const agent = new undici__WEBPACK_IMPORTED_MODULE_1__/* .Agent */ .g6({
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
function closeReason(code) {
    if (code === 1005 || code === 1006)
        return `the socket closed at once (code ${String(code)}): Dokploy did not accept the API key for it or a proxy does not pass WebSockets`;
    if (code === 4000)
        return "Dokploy refused the log path (code 4000)";
    return `closed with code ${String(code)}`;
}
/** The text of a message: text frames as they are, binary frames decoded (a character may span two). */
function messageText(data, decoder) {
    if (typeof data === "string")
        return data;
    if (data instanceof ArrayBuffer)
        return decoder.decode(new Uint8Array(data), { stream: true });
    return "";
}
class DeploymentLogStream {
    options;
    lines = [];
    splitter = new LineSplitter();
    decoder = new node_util__WEBPACK_IMPORTED_MODULE_0__.TextDecoder();
    connection = ownConnection();
    socket;
    firstData;
    arrived = () => undefined;
    closedByUs = false;
    isOpen = true;
    deadline;
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
            this.stopped(closeReason(event.code));
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
            // Closing a socket that never opened throws; there is nothing to close then.
        }
        this.deadline = setTimeout(this.connection.destroy, this.options.closeDeadlineMs ?? CLOSE_DEADLINE_MS);
        this.deadline.unref();
    }
    onMessage(data) {
        try {
            const received = this.splitter.push(messageText(data, this.decoder));
            received.forEach(this.emit);
            this.arrived();
            this.options.onLines?.(received.length);
            if (received.some((line) => ENDING_LINE.test(line.text)))
                this.options.onEnding?.();
        }
        catch (error) {
            // A message we cannot read is not worth the run.
            this.options.logger.debug(`Live log: could not read a message: ${String(error)}`);
        }
    }
    emit = (line) => {
        const { logger, redactor } = this.options;
        logger.info(`│ ${redactor.redact(shorten(line, PRINTED_LINE_LIMIT))}`);
        this.lines.push(redactor.redact(shorten(line, TAIL_LINE_LIMIT)));
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
/**
 * Streams a deployment's log into the CI log through Dokploy's WebSocket. The socket never
 * closes by itself, so the caller closes it once the deployment row is final; a server that
 * does not answer that close gets CLOSE_DEADLINE_MS, then the socket is destroyed. The socket
 * never keeps the process alive. If it fails or closes early, the caller goes on by polling:
 * a live log is a comfort, not a requirement.
 */
function streamDeploymentLog(options) {
    return new DeploymentLogStream(options);
}


/***/ })

};
