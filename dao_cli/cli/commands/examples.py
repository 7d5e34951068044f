"""One or two examples for every `coop` command, shown at the end of its `--help` with a pointer to the
global options. Kept in one table so that a test can hold every command to having them."""

from __future__ import annotations

ADDRESS = "0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65"

#: command path -> example command lines
EXAMPLES: dict[str, list[str]] = {
    "accounts delete": ["coop accounts delete old-laptop"],
    "accounts export": ["coop accounts export alice"],
    "accounts import": ["coop accounts import alice", "coop accounts import bob --keystore bob.json"],
    "accounts list": ["coop accounts list"],
    "accounts new": ["coop accounts new alice"],
    "add": ["coop add solarpark deployment.json"],
    "audit capital": ["coop audit capital --at 2027-12-31", "coop audit capital --format csv > capital.csv"],
    "audit history": [
        "coop audit history --kind VoteCast",
        "coop audit history --from-block 100 --format json",
    ],
    "audit members": [
        f"coop --rpc-url https://rpc.example --address {ADDRESS} audit members",
        "coop audit members --at 2027-06-30 --current",
    ],
    "audit minutes": ["coop audit minutes", "coop audit minutes --votes --format markdown"],
    "audit report": ["coop audit report --out report/", "coop audit report --out report/ --at 2027-12-31"],
    "audit treasury": ["coop audit treasury", "coop audit treasury --token"],
    "audit verify": [
        "coop audit verify",
        f"coop --rpc-url https://rpc.example audit verify --address {ADDRESS}",
    ],
    "cancel": ["coop cancel 3"],
    "demo": ["coop demo", "coop demo --keep"],
    "deploy": ["coop deploy statute.yaml", "coop deploy statute.yaml --dry-run"],
    "execute": ["coop execute 1"],
    "forget": ["coop forget solarpark"],
    "fund": ["coop fund 2.5 -a alice"],
    "info": ["coop info", "coop --coop solarpark --json info"],
    "init": ["coop init statute.yaml --name 'Bäckerei Süd eG'", f"coop init --founder {ADDRESS} ..."],
    "list": ["coop list"],
    "member admit": [f"coop member admit {ADDRESS} -a board"],
    "member apply": [
        "coop member apply --shares 2 --application signed.pdf -a alice",
        "coop member apply --shares 1 --application signed.pdf --sign-only -a dana > application.json",
    ],
    "member buy-shares": ["coop member buy-shares --shares 3 -a alice"],
    "member claim-refund": ["coop member claim-refund -a alice"],
    "member collect-escrow": ["coop member collect-escrow -a alice"],
    "member consent": [
        f"coop member consent {ADDRESS} --shares 2 -a bob",
        f"coop member consent {ADDRESS} --shares 2 --sign-only -a bob > consent.json",
    ],
    "member exit": ["coop member exit -a alice", f"coop member exit {ADDRESS}"],
    "member list": ["coop member list", "coop member list --applications"],
    "member notice": ["coop member notice -a alice"],
    "member pay-in": ["coop member pay-in -a alice"],
    "member proxy resign": [f"coop member proxy resign {ADDRESS} -a carol"],
    "member proxy revoke": ["coop member proxy revoke -a alice"],
    "member proxy set": [f"coop member proxy set {ADDRESS} -a alice"],
    "member reject": [f"coop member reject {ADDRESS} -a board"],
    "member show": [f"coop member show {ADDRESS}"],
    "member transfer-shares": [
        f"coop member transfer-shares {ADDRESS} --shares 2 -a alice",
        f"coop member transfer-shares {ADDRESS} --shares 2 --consent consent.json -a alice",
    ],
    "member withdraw": ["coop member withdraw -a alice"],
    "node advance": ["coop node advance '7 days'", "coop node advance 36h"],
    "node fund": [f"coop node fund {ADDRESS}", f"coop node fund {ADDRESS} 5"],
    "node install": ["coop node install", "coop --network ganache node install"],
    "node reset": ["coop node reset --yes"],
    "node start": ["coop node start", "coop --network ganache node start"],
    "node status": ["coop node status"],
    "node stop": ["coop node stop"],
    "proposal show": ["coop proposal show 1", "coop --json proposal show 1"],
    "proposals": ["coop proposals", "coop proposals --state active"],
    "propose admit": [f"coop propose admit {ADDRESS} --title 'Admit Dana'"],
    "propose burn": ["coop propose burn 100 --title 'Burn unused tokens'"],
    "propose call": [
        f"coop propose call {ADDRESS} 'ping(uint256)' 7 --title 'Ping the registry'",
    ],
    "propose exclude": [f"coop propose exclude {ADDRESS} --title 'Exclude for unpaid shares'"],
    "propose mint": [f"coop propose mint {ADDRESS} 100 --title 'Tokens for the garden'"],
    "propose move-capital": ["coop propose move-capital 1.5 --title 'Invest in the new roof'"],
    "propose pay": [
        f"coop propose pay {ADDRESS} 1.5 --title 'Community garden' -d @garden.md",
        f"coop propose pay {ADDRESS} 1 --title 'New duty' --kind new-duties",
    ],
    "propose pay-token": [f"coop propose pay-token coop {ADDRESS} 10 --title 'Reward the volunteers'"],
    "propose upgrade": [f"coop propose upgrade membership {ADDRESS} --title 'Corrected member list'"],
    "propose statute": [
        "coop propose statute notice-months 6 --title 'Six months notice'",
        "coop propose statute share-price 0.6 --title 'Raise the share price'",
    ],
    "queue": ["coop queue 1"],
    "relay": ["coop relay ballot.json -a relayer"],
    "token approve": [f"coop token approve {ADDRESS} 5 -a alice"],
    "token balance": ["coop token balance -a alice", f"coop token balance {ADDRESS}"],
    "token transfer": [f"coop token transfer {ADDRESS} 2.5 -a alice"],
    "tx list": ["coop tx list"],
    "tx replace": ["coop tx replace 0x5da9...b256"],
    "tx show": ["coop tx show 0x5da9...b256"],
    "vote": ["coop vote 1 for -a alice", "coop vote 1 against --sign-only -a bob > ballot.json"],
}

GLOBAL_OPTIONS_NOTE = (
    "Global options, also after the command: --account/-a, --coop, --rpc-url, --network, --yes/-y, --json, "
    "--dry-run, --quiet/-q, --password-file, --timeout, --wait (see `coop --help`)."
)


def epilog(path: str) -> str:
    """The end of `coop PATH --help`: its examples, then where the global options are."""
    lines = EXAMPLES.get(path, [])
    shown = "\b\nExamples:\n" + "\n".join(f"  {line}" for line in lines) + "\n\n" if lines else ""
    return shown + GLOBAL_OPTIONS_NOTE
