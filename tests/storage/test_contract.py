"""The storage contract (PRODUCT.md §5, §7), run against the JSON and the Redis backend."""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Any

import pytest

from storage import Storage
from tests.storage.conftest import MakeStorage

KEY = "T1:C1:1700000000.000100"


def user_msg(text: str, **metadata: Any) -> dict[str, Any]:
    return {"role": "user", "content": text, "metadata": {"type": "text", **metadata}}


def bot_msg(text: str) -> dict[str, Any]:
    return {"role": "assistant", "content": text, "metadata": {"type": "text"}}


def is_utc_iso(text: str) -> bool:
    moment = dt.datetime.fromisoformat(text)
    return moment.utcoffset() == dt.timedelta(0) and text.endswith("+00:00")


async def test_absent_session_is_none(storage: Storage) -> None:
    assert await storage.get(KEY) is None
    assert await storage.list() == []


async def test_new_session_document_matches_section_5(storage: Storage) -> None:
    session, created = await storage.get_or_create(KEY, user_id="U1")
    assert created
    doc = session.to_dict()
    assert doc["session_id"] == KEY
    assert (doc["team_id"], doc["channel_id"], doc["thread_ts"]) == (
        "T1",
        "C1",
        "1700000000.000100",
    )
    assert doc["started_by"] == "U1" and doc["participants"] == ["U1"]
    assert doc["style"] == "default" and doc["active_dataset"] is None
    assert doc["chat_history"] == []
    assert is_utc_iso(doc["created_at"]) and is_utc_iso(doc["last_used"])

    again, created = await storage.get_or_create(KEY, user_id="U2")
    assert not created
    assert again.to_dict() == (await storage.get(KEY)).to_dict()
    assert again.started_by == "U1"


async def test_new_session_takes_the_starters_preferred_style(storage: Storage) -> None:
    await storage.set_preferences("T1", "U1", style="dark")
    mine, _ = await storage.get_or_create("T1:C1:1.0", user_id="U1")
    theirs, _ = await storage.get_or_create("T1:C1:2.0", user_id="U2")
    other_team, _ = await storage.get_or_create("T2:C1:3.0", user_id="U1")
    assert (mine.style, theirs.style, other_team.style) == ("dark", "default", "default")


async def test_append_logs_in_order_touches_and_updates(storage: Storage) -> None:
    created, _ = await storage.get_or_create(KEY, user_id="U1")
    await asyncio.sleep(0.01)
    stamped = {**bot_msg("reply"), "timestamp": "2026-01-02T03:04:05+00:00"}
    assert await storage.append(KEY, user_msg("bar chart of a 1, b 2"), stamped, user_id="U1")
    assert await storage.append(KEY, user_msg("as a pie"), user_id="U2", active_dataset="F123")
    session = await storage.get(KEY)
    assert [m["content"] for m in session.chat_history] == [
        "bar chart of a 1, b 2",
        "reply",
        "as a pie",
    ]
    assert session.chat_history[1]["timestamp"] == "2026-01-02T03:04:05+00:00"
    assert all(is_utc_iso(m["timestamp"]) for m in session.chat_history)
    assert session.chat_history[0]["metadata"] == {"type": "text"}
    assert session.participants == ["U1", "U2"]
    assert session.active_dataset == "F123"
    assert session.last_used > created.last_used and session.created_at == created.created_at
    [summary] = await storage.list()
    assert summary.message_count == 3 and summary.first_words == "bar chart of a 1, b 2"


async def test_style_update_sticks(storage: Storage) -> None:
    await storage.get_or_create(KEY, user_id="U1")
    await storage.append(KEY, user_msg("dark style"), style="dark")
    assert (await storage.get(KEY)).style == "dark"


async def test_history_limit_returns_only_the_newest_entries(storage: Storage) -> None:
    await storage.get_or_create(KEY, user_id="U1")
    for n in range(30):
        await storage.append(KEY, user_msg(f"message {n} " + "x" * 5000))
    session = await storage.get(KEY, history_limit=3)
    assert [m["content"].split()[1] for m in session.chat_history] == ["27", "28", "29"]
    assert (await storage.get(KEY, history_limit=0)).chat_history == []
    assert len((await storage.get(KEY, history_limit=100)).chat_history) == 30
    session, _ = await storage.get_or_create(KEY, user_id="U1", history_limit=1)
    assert [m["content"].split()[1] for m in session.chat_history] == ["29"]


async def test_append_to_absent_session_stores_nothing(storage: Storage) -> None:
    assert not await storage.append(KEY, user_msg("hello"), user_id="U1")
    assert await storage.get(KEY) is None
    assert await storage.list() == []


async def test_append_refuses_to_rewrite_identity_fields(storage: Storage) -> None:
    await storage.get_or_create(KEY, user_id="U1")
    with pytest.raises(ValueError, match="started_by"):
        await storage.append(KEY, user_msg("x"), started_by="U9")
    assert (await storage.get(KEY)).chat_history == []


async def test_unknown_fields_are_preserved(storage: Storage) -> None:
    await storage.get_or_create(KEY, user_id="U1")
    future = {"nested": [1, {"a": None}], "empty": [], "text": "é ✓"}
    await storage.append(KEY, {**user_msg("hi"), "reactions": ["eyes"]}, pinned=future)
    await storage.append(KEY, bot_msg("later"), user_id="U2")
    session = await storage.get(KEY)
    assert session.extra == {"pinned": future}
    assert session.to_dict()["pinned"] == future
    assert session.chat_history[0]["reactions"] == ["eyes"]


async def test_delete_removes_session_and_datasets_but_not_preferences(storage: Storage) -> None:
    await storage.set_preferences("T1", "U1", style="dark")
    await storage.get_or_create(KEY, user_id="U1")
    await storage.put_dataset(KEY, "F123", b"table bytes")
    assert await storage.delete(KEY)
    assert not await storage.delete(KEY)
    assert await storage.get(KEY) is None
    assert await storage.get_dataset(KEY, "F123") is None
    assert await storage.list() == []
    assert await storage.get_preferences("T1", "U1") == {"style": "dark"}
    fresh, created = await storage.get_or_create(KEY, user_id="U1")  # the thread starts over
    assert created and fresh.chat_history == [] and fresh.style == "dark"
    assert await storage.list_datasets(KEY) == []


async def test_datasets_round_trip(storage: Storage) -> None:
    await storage.get_or_create(KEY, user_id="U1")
    payload = bytes(range(256)) * 100
    await storage.put_dataset(KEY, "F123", payload)
    await storage.put_dataset(KEY, "F:odd/id.x", b"second")
    await storage.put_dataset(KEY, "F123", payload + b"!")  # replaced, not duplicated
    assert await storage.get_dataset(KEY, "F123") == payload + b"!"
    assert await storage.get_dataset(KEY, "F:odd/id.x") == b"second"
    assert await storage.get_dataset(KEY, "F404") is None
    assert await storage.list_datasets(KEY) == ["F123", "F:odd/id.x"]


async def test_dataset_for_absent_session_is_not_kept(storage: Storage) -> None:
    await storage.put_dataset(KEY, "F123", b"orphan")
    await storage.get_or_create(KEY, user_id="U1")
    assert await storage.get_dataset(KEY, "F123") is None


async def test_list_filters_and_orders_by_last_used(storage: Storage) -> None:
    for key, user in [("T1:C1:1.0", "U1"), ("T1:C1:2.0", "U2"), ("T1:C2:3.0", "U1")]:
        await storage.get_or_create(key, user_id=user)
        await asyncio.sleep(0.002)
    await storage.append("T1:C1:2.0", user_msg("me too"), user_id="U1")
    assert [s.key for s in await storage.list()] == ["T1:C1:2.0", "T1:C2:3.0", "T1:C1:1.0"]
    assert [s.key for s in await storage.list(user="U1")] == [
        "T1:C1:2.0",
        "T1:C2:3.0",
        "T1:C1:1.0",
    ]
    assert [s.key for s in await storage.list(user="U2")] == ["T1:C1:2.0"]
    in_c1 = await storage.list(user="U1", team="T1", channel="C1")
    assert [s.key for s in in_c1] == ["T1:C1:2.0", "T1:C1:1.0"]  # [0] is the most recent
    assert [s.key for s in await storage.list(team="T1", channel="C2")] == ["T1:C2:3.0"]
    assert await storage.list(team="T9") == []
    summary = in_c1[0]
    assert (summary.started_by, summary.participants) == ("U2", ["U2", "U1"])


async def test_sessions_past_ttl_disappear_with_their_datasets(make_storage: MakeStorage) -> None:
    storage = await make_storage(session_ttl=dt.timedelta(seconds=1.5))
    await storage.set_preferences("T1", "U1", style="dark")
    await storage.get_or_create(KEY, user_id="U1")
    await storage.put_dataset(KEY, "F1", b"data")
    await storage.get_or_create("T1:C1:2.0", user_id="U1")
    await asyncio.sleep(0.8)
    await storage.append("T1:C1:2.0", user_msg("still here"))  # refreshes its TTL
    await asyncio.sleep(0.8)
    await storage.purge(dt.timedelta(seconds=1.5))
    assert await storage.get(KEY) is None
    assert await storage.get_dataset(KEY, "F1") is None
    assert await storage.append(KEY, user_msg("too late")) is False
    assert [s.key for s in await storage.list()] == ["T1:C1:2.0"]
    assert (await storage.get("T1:C1:2.0")).chat_history[0]["content"] == "still here"
    assert await storage.get_preferences("T1", "U1") == {"style": "dark"}
    session, created = await storage.get_or_create(KEY, user_id="U1")
    assert created and session.chat_history == []


async def test_purge_deletes_only_sessions_unused_for_longer(storage: Storage) -> None:
    await storage.set_preferences("T1", "U1", theme="x")
    await storage.get_or_create("T1:C1:old.0", user_id="U1")
    await storage.put_dataset("T1:C1:old.0", "F1", b"data")
    await asyncio.sleep(1.0)
    await storage.get_or_create("T1:C1:new.0", user_id="U1")
    assert await storage.purge(dt.timedelta(seconds=0.5)) == ["T1:C1:old.0"]
    assert await storage.get("T1:C1:old.0") is None
    assert await storage.get_dataset("T1:C1:old.0", "F1") is None
    assert await storage.get("T1:C1:new.0") is not None
    assert await storage.purge(dt.timedelta(hours=1)) == []
    assert await storage.get_preferences("T1", "U1") == {"theme": "x"}


async def test_cap_deletes_the_least_recently_used_session(make_storage: MakeStorage) -> None:
    storage = await make_storage(max_sessions_per_user=3)
    await storage.set_preferences("T1", "U1", style="dark")
    for n in range(3):
        await storage.get_or_create(f"T1:C1:{n}.0", user_id="U1")
        await storage.put_dataset(f"T1:C1:{n}.0", "F1", b"data")
        await asyncio.sleep(0.002)
    await storage.get_or_create("T1:C1:other.0", user_id="U2")  # someone else's
    await storage.append("T1:C1:other.0", user_msg("joined"), user_id="U1")
    await storage.append("T1:C1:0.0", user_msg("oldest, used again"))
    await storage.get_or_create("T1:C1:3.0", user_id="U1")  # one too many: 1.0 goes
    assert await storage.get("T1:C1:1.0") is None
    assert await storage.get_dataset("T1:C1:1.0", "F1") is None
    left = {s.key for s in await storage.list(user="U1")}
    assert left == {"T1:C1:0.0", "T1:C1:2.0", "T1:C1:3.0", "T1:C1:other.0"}
    assert await storage.get_preferences("T1", "U1") == {"style": "dark"}
    assert set(await storage.enforce_cap("T1", "U1", 1)) == {"T1:C1:2.0", "T1:C1:0.0"}
    assert [s.key for s in await storage.list(user="U1", channel="C1")][-1] == "T1:C1:other.0"
    assert await storage.get("T1:C1:other.0") is not None
    assert await storage.get_preferences("T1", "U1") == {"style": "dark"}


async def test_preferences_merge_per_team_and_user(storage: Storage) -> None:
    assert await storage.get_preferences("T1", "U1") == {}
    await storage.set_preferences("T1", "U1", style="dark", color="blue")
    await storage.set_preferences("T1", "U1", color=None, dpi=200)
    assert await storage.get_preferences("T1", "U1") == {"style": "dark", "dpi": 200}
    assert await storage.get_preferences("T2", "U1") == {}


async def test_concurrent_appends_lose_nothing_and_keep_order(storage: Storage) -> None:
    keys = [f"T1:C{n % 5}:{n}.0" for n in range(50)]
    for key in keys:
        await storage.get_or_create(key, user_id="U1")
    await asyncio.gather(
        *(
            storage.append(key, user_msg(f"{key} #{i}"), user_id=f"U{i % 3}")
            for i in range(20)
            for key in keys
        )
    )
    for key in keys:
        session = await storage.get(key)
        assert [m["content"] for m in session.chat_history] == [f"{key} #{i}" for i in range(20)]
        assert sorted(session.participants) == ["U0", "U1", "U2"]
    assert sum(s.message_count for s in await storage.list()) == 1000


async def test_claim_is_granted_once_until_released_or_expired(storage: Storage) -> None:
    assert await storage.claim("C1:1700000000.000100", 600)
    assert not await storage.claim("C1:1700000000.000100", 600)
    assert await storage.claim("Ev123", 600)
    await storage.release("C1:1700000000.000100")
    assert await storage.claim("C1:1700000000.000100", 600)
    assert await storage.claim("short", 0.2)
    await asyncio.sleep(0.3)
    assert await storage.claim("short", 600)
    assert not await storage.claim("short", 600)


async def test_unfinished_claim_of_a_closed_process_is_taken_over_once(
    make_storage: MakeStorage,
) -> None:
    first = await make_storage()
    assert await first.claim("answered", 600)
    await first.finish("answered")
    assert await first.claim("interrupted", 600)  # work started, never finished
    await first.close()  # the process goes away (a crash leaves the same state, see e2e tests)
    second = await make_storage()
    assert not await second.claim("answered", 600)
    # Slack re-delivers both twins of a channel mention (and may retry twice) at once.
    taken = await asyncio.gather(*(second.claim("interrupted", 600) for _ in range(5)))
    assert sorted(taken) == [False] * 4 + [True]
    assert not await second.claim("interrupted", 600)


async def test_noted_work_of_a_dead_process_is_handed_over_until_finished(
    make_storage: MakeStorage,
) -> None:
    note = {"channel": "C1", "ts": "1700000000.000100", "text": "revenue by region"}
    replying = {"text": "b", "sent": {"file": "F1"}}
    first = await make_storage()
    assert await first.claim("cut short", 600, note)
    assert await first.claim("replying", 600, {"text": "b"})
    await first.settle("replying", replying)  # its reply may be out: the note says which
    assert await first.claim("answered", 600, {"text": "c"})
    await first.finish("answered")
    assert await first.claim("given up", 600, {"text": "d"})
    await first.release("given up")
    assert await first.claim("unnoted", 600)
    assert await first.unfinished() == []  # its own work is in progress, not unfinished
    await first.close()

    second = await make_storage()
    assert sorted(await second.unfinished()) == [("cut short", note), ("replying", replying)]
    # A retry of the delivery takes over only work whose reply never left; the rest waits for
    # a resumer, who looks for the reply first.
    assert await second.claim("cut short", 600, note)  # taken over: now the second's work
    assert not await second.claim("replying", 600, {"text": "b"})
    taken = await asyncio.gather(
        *(second.claim("replying", 600, replying, resume=True) for _ in range(3))
    )
    assert sorted(taken) == [False, False, True]
    assert await second.unfinished() == []
    await second.close()

    third = await make_storage()  # the second died too, before finishing either
    assert sorted(await third.unfinished()) == [("cut short", note), ("replying", replying)]
    assert not await third.claim("replying", 600, replying)  # still settled: a resumer's
    assert await third.claim("replying", 600, replying, resume=True)
    assert await third.claim("cut short", 600, note, resume=True)
    await third.finish("cut short")
    await third.finish("replying")
    await third.close()
    assert await (await make_storage()).unfinished() == []


async def test_ordered_thread_lock_serves_waiters_lowest_ts_first(storage: Storage) -> None:
    served: list[str] = []
    holding = asyncio.Event()

    async def first() -> None:
        async with storage.thread_lock(KEY, order="1700000000.000100"):
            holding.set()
            await asyncio.sleep(0.2)  # the others queue meanwhile, out of order
            served.append("1700000000.000100")

    async def later(ts: str) -> None:
        async with storage.thread_lock(KEY, order=ts):
            served.append(ts)

    holder = asyncio.create_task(first())
    await holding.wait()
    waiting = []
    for ts in ("1700000009.000100", "1700000002.000100", "1700000005.000100"):
        waiting.append(asyncio.create_task(later(ts)))
        await asyncio.sleep(0.02)
    await asyncio.gather(holder, *waiting)
    assert served == [
        "1700000000.000100", "1700000002.000100", "1700000005.000100", "1700000009.000100",
    ]  # fmt: skip


async def test_concurrent_claims_have_one_winner(storage: Storage) -> None:
    results = await asyncio.gather(*(storage.claim("Ev1", 600) for _ in range(20)))
    assert results.count(True) == 1


async def test_thread_lock_runs_one_holder_at_a_time(storage: Storage) -> None:
    inside, most, order = 0, 0, []

    async def turn(n: int) -> None:
        nonlocal inside, most
        async with storage.thread_lock(KEY):
            inside += 1
            most = max(most, inside)
            await asyncio.sleep(0.005)
            order.append(n)
            inside -= 1

    await asyncio.gather(*(turn(n) for n in range(10)))
    assert most == 1
    assert order == list(range(10))  # waiters in one process go in arrival order


async def test_thread_locks_of_different_threads_are_independent(storage: Storage) -> None:
    async with storage.thread_lock("T1:C1:1.0"):
        await asyncio.wait_for(_hold(storage, "T1:C1:2.0"), timeout=5)


async def _hold(storage: Storage, key: str) -> None:
    async with storage.thread_lock(key):
        pass


async def test_storage_operations_work_inside_a_thread_lock(storage: Storage) -> None:
    async with storage.thread_lock(KEY):
        await storage.get_or_create(KEY, user_id="U1")
        assert await storage.append(KEY, user_msg("inside"))
    assert len((await storage.get(KEY)).chat_history) == 1


async def test_a_claim_holds_its_place_in_the_thread_from_the_claim_on(storage: Storage) -> None:
    """The earlier message, claimed first, goes first even if the later one asks for the turn
    before it does; a claimed message that is finished without its turn frees the place."""
    early, late, dropped = "1700000001.000100", "1700000002.000100", "1700000000.000500"
    served: list[str] = []
    assert await storage.claim(f"m:{dropped}", 600, {"ts": dropped}, thread=KEY, order=dropped)
    assert await storage.claim(f"m:{early}", 600, {"ts": early}, thread=KEY, order=early)
    assert await storage.claim(f"m:{late}", 600, {"ts": late}, thread=KEY, order=late)
    assert not await storage.claim(f"m:{late}", 600, {"ts": late}, thread=KEY, order=late)

    async def answer(ts: str) -> None:
        async with storage.thread_lock(KEY, order=ts, claim=f"m:{ts}"):
            served.append(ts)
        await storage.finish(f"m:{ts}")

    later = asyncio.create_task(answer(late))
    await asyncio.sleep(0.2)
    assert served == []  # waits for the earlier claims
    await storage.finish(f"m:{dropped}")  # answered without a turn (e.g. an apology)
    await asyncio.sleep(0.2)
    assert served == []
    await asyncio.wait_for(answer(early), 10)
    await asyncio.wait_for(later, 10)
    assert served == [early, late]


async def test_renote_replaces_the_note_of_unfinished_work_only(make_storage: MakeStorage) -> None:
    first = await make_storage()
    assert await first.claim("waiting", 600, {"text": "a"})
    await first.renote("waiting", {"text": "a", "answering": True})
    assert await first.claim("answered", 600, {"text": "b"})
    await first.finish("answered")
    await first.renote("answered", {"text": "b", "answering": True})  # done: nothing to say
    await first.close()
    second = await make_storage()
    assert await second.unfinished() == [("waiting", {"text": "a", "answering": True})]
    await second.renote("waiting", {"text": "c"})  # not its claim
    assert await second.claim("waiting", 600, {"text": "a"}, resume=True)
    await second.close()
    assert await (await make_storage()).unfinished() == [("waiting", {"text": "a"})]
