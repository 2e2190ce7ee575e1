"""Delivery path (b): the IMAP poller against a real Dovecot on loopback, started here with
its own configuration in a temporary folder and stopped after the test."""

import imaplib
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

from dialogue.models import Meeting
from mailin.imap import poll_mailbox
from mailin.models import DroppedMailCount, InboundEmail
from mailin.services import live_address
from mailin.tasks import poll_mailbox_task
from tests import factories
from tests.mailin.conftest import raw_email

DOVECOT = shutil.which("dovecot") or "/usr/sbin/dovecot"
USER, PASSWORD = "accord", "imap-secret"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def accounts_for_dovecot() -> dict[str, str | int]:
    """Who Dovecot's processes run as: its own system users under root, else ourselves."""
    if os.geteuid() == 0:
        mail = pwd.getpwnam("dovecot")
        return {
            "uid": mail.pw_uid,
            "gid": mail.pw_gid,
            "login": "dovenull",
            "internal": "dovecot",
        }
    me = pwd.getpwuid(os.getuid())
    return {"uid": me.pw_uid, "gid": me.pw_gid, "login": me.pw_name, "internal": me.pw_name}


def write_config(folder: Path, port: int) -> Path:
    who = accounts_for_dovecot()
    for name in ("run", "state", "mail", "home"):
        (folder / name).mkdir()
    for name in ("mail", "home"):
        os.chown(folder / name, int(who["uid"]), int(who["gid"]))
    (folder / "users").write_text(f"{USER}:{{PLAIN}}{PASSWORD}::::::\n")
    config = folder / "dovecot.conf"
    config.write_text(
        f"""
base_dir = {folder}/run
state_dir = {folder}/state
log_path = {folder}/dovecot.log
listen = 127.0.0.1
protocols = imap
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain
default_login_user = {who["login"]}
default_internal_user = {who["internal"]}
first_valid_uid = {who["uid"]}
mail_location = maildir:{folder}/mail/%u
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {folder}/users
}}
userdb {{
  driver = static
  args = uid={who["uid"]} gid={who["gid"]} home={folder}/home/%u
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
"""
    )
    return config


def wait_until_listening(port: int, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"dovecot exited: {log.read_text() if log.exists() else ''}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as connection:
                if connection.recv(100).startswith(b"* OK"):
                    return
        except OSError:
            time.sleep(0.1)
    pytest.fail(f"dovecot did not start listening: {log.read_text() if log.exists() else ''}")


@pytest.fixture
def dovecot(settings):
    if not os.path.exists(DOVECOT):
        if os.environ.get("CI") == "true":
            pytest.fail("dovecot is not installed (apt-get install dovecot-imapd; .ci/run does)")
        pytest.skip("dovecot is not installed (apt-get install dovecot-imapd)")
    # Not under pytest's tmp_path: its parents are private to us, and Dovecot's own users
    # (under root) must reach the password file and the maildir.
    folder = Path(tempfile.mkdtemp(prefix="accord-dovecot-"))
    os.chmod(folder, 0o755)
    port = free_port()
    config = write_config(folder, port)
    process = subprocess.Popen(
        [DOVECOT, "-F", "-c", str(config)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_until_listening(port, process, folder / "dovecot.log")
        settings.IMAP_HOST, settings.IMAP_PORT, settings.IMAP_SSL = "127.0.0.1", port, False
        settings.IMAP_USER, settings.IMAP_PASSWORD = USER, PASSWORD
        settings.IMAP_MAILBOX = "INBOX"
        yield port
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        shutil.rmtree(folder, ignore_errors=True)


def append(port: int, message: bytes) -> None:
    with imaplib.IMAP4("127.0.0.1", port) as imap:
        imap.login(USER, PASSWORD)
        imap.append("INBOX", None, None, message)


def seen_count(port: int) -> int:
    with imaplib.IMAP4("127.0.0.1", port) as imap:
        imap.login(USER, PASSWORD)
        imap.select("INBOX", readonly=True)
        _status, found = imap.search(None, "SEEN")
        return len(found[0].split())


MTA = "mx.accord.test"


def passed(domain: str, authserv_id: str = MTA) -> str:
    """What the receiving MTA writes for a message it authenticated (OpenDKIM/OpenDMARC)."""
    return (
        f"{authserv_id}; spf=pass smtp.mailfrom={domain}; "
        f"dkim=pass (2048-bit key) header.d={domain} header.s=s1; dmarc=pass header.from={domain}"
    )


@pytest.fixture
def trusted_mta(settings):
    settings.MAILIN_IMAP_AUTHSERV_ID, settings.MAILIN_IMAP_AUTH = MTA, "aligned"


@pytest.mark.django_db
def test_the_poller_logs_mailbox_mail_on_the_right_account_once(
    dovecot, actors, media, trusted_mta
):
    carla = factories.StakeholderFactory(customer=actors.customer_a, email="carla@alpha.example")
    address = live_address(customer=actors.customer_a).address
    append(
        dovecot,
        raw_email(
            sender=actors.sales_a.email,
            to="Carla <carla@alpha.example>",
            headers={"Delivered-To": address, "Authentication-Results": passed("example.com")},
            attachments=[("notes.txt", b"minutes")],
        ),
    )
    append(
        dovecot,
        raw_email(sender="stranger@elsewhere.example", to=address, message_id="<spam@x.example>"),
    )

    first = poll_mailbox()

    assert (first.seen, first.filed) == (2, 1)
    meeting = Meeting.objects.get()
    assert meeting.customer == actors.customer_a
    assert meeting.kind == Meeting.Kind.EMAIL
    assert list(meeting.stakeholders.all()) == [carla]
    email = InboundEmail.objects.get()
    assert (email.via, email.meeting) == (InboundEmail.Via.IMAP, meeting)
    with email.attachments.get().file.open("rb") as stored:
        assert stored.read() == b"minutes"
    assert DroppedMailCount.objects.get(reason="unknown_sender").count == 1
    assert seen_count(dovecot) == 2
    # A second poll finds nothing new: the messages are flagged \Seen.
    assert poll_mailbox_task() == 0
    assert Meeting.objects.count() == 1
    assert DroppedMailCount.objects.get(reason="unknown_sender").count == 1


def test_without_an_imap_host_the_poller_does_nothing(settings):
    settings.IMAP_HOST = ""
    assert poll_mailbox().seen == 0


@pytest.mark.django_db
def test_a_forged_from_is_dropped_and_counted_and_an_authenticated_one_lands(
    dovecot, actors, trusted_mta
):
    address = live_address(customer=actors.customer_a).address
    forgeries = [
        # No verdict at all (delivered around the MTA, or the MTA checks nothing).
        {},
        # The forger's own header: another authserv-id is not trusted.
        {"Authentication-Results": passed("example.com", authserv_id="mx.forger.example")},
        # The MTA's verdict: SPF and DKIM passed, but for the forger's domain.
        {
            "Authentication-Results": f"{MTA}; spf=pass smtp.mailfrom=forger.example; "
            "dkim=pass header.d=forger.example; dmarc=fail header.from=example.com"
        },
    ]
    for number, headers in enumerate(forgeries):
        append(
            dovecot,
            raw_email(
                sender=actors.sales_a.email,
                to=address,
                message_id=f"<forged-{number}@forger.example>",
                headers=headers,
            ),
        )
    append(
        dovecot,
        raw_email(
            sender=actors.sales_a.email,
            to=address,
            message_id="<real@example.com>",
            # DKIM signed by a subdomain of the From domain: aligned (relaxed).
            headers={
                "Authentication-Results": f"{MTA}; spf=none smtp.mailfrom=example.com; "
                "dkim=pass header.d=mail.example.com header.s=s1"
            },
        ),
    )

    result = poll_mailbox()

    assert (result.seen, result.filed) == (4, 1)
    email = InboundEmail.objects.get()
    assert email.message_id == "<real@example.com>"
    assert email.meeting.customer == actors.customer_a
    assert DroppedMailCount.objects.get(reason="unauthenticated").count == 3
    # Dropped messages are flagged \Seen too: they are not read again.
    assert seen_count(dovecot) == 4


@pytest.mark.django_db
def test_without_a_trusted_authserv_id_mailbox_mail_is_refused(dovecot, actors, settings):
    settings.MAILIN_IMAP_AUTHSERV_ID, settings.MAILIN_IMAP_AUTH = "", "aligned"
    address = live_address(customer=actors.customer_a).address
    append(
        dovecot,
        raw_email(
            sender=actors.sales_a.email,
            to=address,
            headers={"Authentication-Results": passed("example.com")},
        ),
    )
    assert poll_mailbox().filed == 0
    assert not InboundEmail.objects.exists()
    assert DroppedMailCount.objects.get(reason="unauthenticated").count == 1
