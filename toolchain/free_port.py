"""Print a TCP port that is free on 127.0.0.1 right now (for a local test chain).

The Makefile passes it to brownie as COOP_CHAIN_PORT (see brownie-config.yaml),
so parallel runs and a stale chain on 8545 do not get in each other's way.
"""

import socket


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


if __name__ == "__main__":
    print(free_port())
