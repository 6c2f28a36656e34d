#!/usr/bin/env python3
"""A small RPC daemon on a SOCK_SEQPACKET unix socket, as CRIU's service does it: one request per
packet, one reply per packet. Socket-activated it takes fd 3 (LISTEN_PID/LISTEN_FDS, as
sd_listen_fds(3) describes); started by hand it binds the socket itself.
Requests: "ping" -> "pong", "time" -> seconds since the epoch, "upper TEXT" -> TEXT in capitals."""
import os, socket, sys, time

SD_LISTEN_FDS_START = 3


def passed_socket():
    if os.environ.get("LISTEN_PID") != str(os.getpid()) or int(os.environ.get("LISTEN_FDS", "0")) < 1:
        return None
    return socket.socket(fileno=SD_LISTEN_FDS_START)


def notify(state):
    path = os.environ.get("NOTIFY_SOCKET")
    if not path:
        return
    addr = "\0" + path[1:] if path.startswith("@") else path
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as s:
        s.sendto(state.encode(), addr)


def answer(request):
    if request == "ping":
        return "pong"
    if request == "time":
        return str(int(time.time()))
    if request.startswith("upper "):
        return request[6:].upper()
    return "error: unknown request"


def main():
    server = passed_socket()
    activated = server is not None
    if not activated:
        path = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.environ.get("XDG_RUNTIME_DIR", "/tmp"), "unitkit-rpc.sock")
        if os.path.exists(path):
            os.unlink(path)
        server = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        server.bind(path)
        server.listen(16)
    notify("READY=1\nSTATUS=" + ("serving (socket-activated)" if activated else "serving (bound its own socket)"))
    while True:
        conn, _ = server.accept()
        with conn:
            while True:
                request = conn.recv(4096)
                if not request:
                    break
                conn.send(answer(request.decode(errors="replace")).encode())


if __name__ == "__main__":
    main()
