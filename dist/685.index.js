export const id = 685;
export const ids = [685];
export const modules = {

/***/ 2685:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

__webpack_require__.r(__webpack_exports__);
/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Agent: () => (/* reexport default from dynamic */ undici_lib_dispatcher_agent_js__WEBPACK_IMPORTED_MODULE_0___default.a),
/* harmony export */   request: () => (/* binding */ request)
/* harmony export */ });
/* harmony import */ var undici_lib_dispatcher_agent_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(7405);
/* harmony import */ var undici_lib_dispatcher_agent_js__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(undici_lib_dispatcher_agent_js__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var undici_lib_api_api_request_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(4043);
/* harmony import */ var undici_lib_api_api_request_js__WEBPACK_IMPORTED_MODULE_1___default = /*#__PURE__*/__webpack_require__.n(undici_lib_api_api_request_js__WEBPACK_IMPORTED_MODULE_1__);



let shared;
function request(url, options = {}) {
    const { dispatcher = (shared ??= new (undici_lib_dispatcher_agent_js__WEBPACK_IMPORTED_MODULE_0___default())()), ...rest } = options;
    const parsed = new URL(url);
    return undici_lib_api_api_request_js__WEBPACK_IMPORTED_MODULE_1___default().call(dispatcher, {
        ...rest,
        origin: parsed.origin,
        path: `${parsed.pathname}${parsed.search}`,
        method: rest.method ?? "GET",
    });
}


/***/ })

};
