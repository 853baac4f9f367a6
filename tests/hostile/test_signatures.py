"""Requests that are not provably from Slack get 401 and cause nothing: no Web API call (not even
auth.test), no session, no reply (PRODUCT.md §8)."""

from __future__ import annotations

import json
import time
from urllib.parse import urlencode

import pytest

from bot.workers import WorkerPool
from tests.conftest import RunningBot, running_bot
from tests.fake_slack import TEAM_ID, FakeSlack
from tests.signed import SlackSender, mention

JSON = "application/json"
FORM = "application/x-www-form-urlencoded"


@pytest.fixture(scope="module")
async def gate(pool: WorkerPool, tmp_path_factory: pytest.TempPathFactory):
    """One bot for the module: every case here must leave it untouched, which each checks."""
    fake = await FakeSlack().start()
    try:
        async with running_bot(fake, pool, tmp_path_factory.mktemp("gate") / "data") as running:
            yield running, fake
    finally:
        await fake.stop()


@pytest.fixture
def bot(gate: tuple[RunningBot, FakeSlack]) -> RunningBot:
    return gate[0]


@pytest.fixture
def fake_slack(gate: tuple[RunningBot, FakeSlack]) -> FakeSlack:
    fake = gate[1]
    fake.calls.clear()
    fake.responses.clear()
    return fake


def event_body() -> str:
    """A mention that would start a session and draw a chart, were it accepted."""
    return json.dumps(
        {
            "team_id": TEAM_ID,
            "api_app_id": "A1",
            "type": "event_callback",
            "event_id": "EvHOSTILE1",
            "event_time": int(time.time()),
            "event": mention("bar chart of a 1, b 2"),
        }
    )


async def refused(bot: RunningBot, fake: FakeSlack, status: int, body: str) -> None:
    assert status == 401, body
    assert "Traceback" not in body and "signing" not in body.lower()
    await fake.quiet(0.2)
    assert [c.method for c in fake.calls] == []
    assert await bot.storage.list() == []


async def test_forged_signature(bot: RunningBot, fake_slack: FakeSlack) -> None:
    body = event_body()
    headers = {
        "X-Slack-Request-Timestamp": str(int(time.time())),
        "X-Slack-Signature": "v0=" + "ab" * 32,
    }
    await refused(bot, fake_slack, *await bot.sender.post(body, JSON, headers))


async def test_missing_signature_header(bot: RunningBot, fake_slack: FakeSlack) -> None:
    body = event_body()
    headers = bot.sender.sign(body)
    del headers["X-Slack-Signature"]
    await refused(bot, fake_slack, *await bot.sender.post(body, JSON, headers))


async def test_missing_timestamp_header(bot: RunningBot, fake_slack: FakeSlack) -> None:
    body = event_body()
    headers = bot.sender.sign(body)
    del headers["X-Slack-Request-Timestamp"]
    await refused(bot, fake_slack, *await bot.sender.post(body, JSON, headers))


@pytest.mark.parametrize(
    "mangle",
    [
        lambda sig: "v1=" + sig[3:],  # another version
        lambda sig: "v0=" + "zz" * 32,  # not hex
        lambda sig: sig[:-2],  # cut short
        lambda sig: sig.upper(),  # not as Slack writes it
        lambda sig: f"{sig},{sig}",  # two signatures
    ],
    ids=["version", "not-hex", "short", "upper", "doubled"],
)
async def test_malformed_signature(bot: RunningBot, fake_slack: FakeSlack, mangle) -> None:
    body = event_body()
    headers = bot.sender.sign(body)
    headers["X-Slack-Signature"] = mangle(headers["X-Slack-Signature"])
    await refused(bot, fake_slack, *await bot.sender.post(body, JSON, headers))


@pytest.mark.parametrize("offset", [-6 * 60, 6 * 60], ids=["stale", "future"])
async def test_timestamp_outside_five_minutes(
    bot: RunningBot, fake_slack: FakeSlack, offset: int
) -> None:
    body = event_body()
    headers = bot.sender.sign(body, timestamp=int(time.time()) + offset)  # correctly signed
    await refused(bot, fake_slack, *await bot.sender.post(body, JSON, headers))


@pytest.mark.parametrize(
    "stamp",
    ["not-a-number", "{now}.5", "+{now}", " {now}", "1.7e9", ""],
    ids=["words", "fraction", "plus", "space", "exponent", "empty"],
)
async def test_non_numeric_timestamp(bot: RunningBot, fake_slack: FakeSlack, stamp: str) -> None:
    """Signed over exactly that timestamp text: only its form is wrong."""
    body = event_body()
    ts = stamp.format(now=int(time.time()))
    sig = bot.sender.verifier.generate_signature(timestamp=ts, body=body)
    headers = {"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": sig}
    await refused(bot, fake_slack, *await bot.sender.post(body, JSON, headers))


async def test_body_altered_after_signing(bot: RunningBot, fake_slack: FakeSlack) -> None:
    body = event_body()
    headers = bot.sender.sign(body)
    altered = body.replace("a 1, b 2", "a 9, b 9")
    await refused(bot, fake_slack, *await bot.sender.post(altered, JSON, headers))


async def test_signed_with_another_secret(bot: RunningBot, fake_slack: FakeSlack) -> None:
    other = SlackSender(bot.url, secret="not-our-secret")
    try:
        status, text = await other.event(mention("bar chart of a 1, b 2"))
    finally:
        await other.close()
    await refused(bot, fake_slack, status, text)


async def test_unsigned_ssl_check(bot: RunningBot, fake_slack: FakeSlack) -> None:
    body = urlencode({"ssl_check": "1", "token": "deprecated"})
    await refused(bot, fake_slack, *await bot.sender.post(body, FORM))


async def test_ssl_check_with_a_forged_signature(bot: RunningBot, fake_slack: FakeSlack) -> None:
    body = urlencode({"ssl_check": "1", "token": "deprecated"})
    headers = {
        "X-Slack-Request-Timestamp": str(int(time.time())),
        "X-Slack-Signature": "v0=" + "0" * 64,
    }
    await refused(bot, fake_slack, *await bot.sender.post(body, FORM, headers))


async def test_unsigned_url_verification(bot: RunningBot, fake_slack: FakeSlack) -> None:
    body = json.dumps({"token": "x", "challenge": "c-123", "type": "url_verification"})
    status, text = await bot.sender.post(body, JSON)
    assert "c-123" not in text
    await refused(bot, fake_slack, status, text)


async def test_signed_url_verification_answers_the_challenge(
    bot: RunningBot, fake_slack: FakeSlack
) -> None:
    body = json.dumps({"token": "x", "challenge": "c-123", "type": "url_verification"})
    status, text = await bot.sender.post(body, JSON, bot.sender.sign(body))
    assert status == 200
    assert json.loads(text)["challenge"] == "c-123"
    await fake_slack.quiet(0.2)
    assert fake_slack.calls == []


async def test_forged_newchat_all_deletes_nothing(bot: RunningBot, fake_slack: FakeSlack) -> None:
    key = "T1:C1:1700000000.000100"
    await bot.storage.get_or_create(key, user_id="U1")
    form = {
        "team_id": TEAM_ID,
        "channel_id": "C1",
        "user_id": "U1",
        "command": "/newchat",
        "text": "all",
        "response_url": fake_slack.response_url(),
    }
    body = urlencode(form)
    headers = bot.sender.sign(body)
    headers["X-Slack-Signature"] = "v0=" + "1" * 64
    try:
        status, _ = await bot.sender.post(body, FORM, headers)
        assert status == 401
        await fake_slack.quiet(0.2)
        assert fake_slack.calls == [] and fake_slack.responses == []
        assert await bot.storage.get(key) is not None
    finally:
        await bot.storage.delete(key)
