"""A real HTTP server on 127.0.0.1 and a free port, for the partners' webhook server and the SMS
gateway the tests talk to. Subclasses give the handler; `with` starts and stops it."""

import threading
from http.server import ThreadingHTTPServer


class LocalServer:
    def __init__(self, handler, path: str):
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}{path}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()
