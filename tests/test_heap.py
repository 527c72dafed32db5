"""The cycle collector is paused for an import's duration and restored as it was after."""

from __future__ import annotations

import gc
import threading

from unmentor.heap import cycle_collection_paused


def test_paused_inside_and_restored_after_even_when_overlapping():
    assert gc.isenabled()
    first_in, second_done = threading.Event(), threading.Event()
    seen: list[bool] = []

    def second() -> None:
        first_in.wait(5)
        with cycle_collection_paused():
            seen.append(gc.isenabled())
        second_done.set()

    helper = threading.Thread(target=second)
    helper.start()
    with cycle_collection_paused():
        first_in.set()
        second_done.wait(5)
        # The other import ended first: the collector stays off until this one ends too.
        seen.append(gc.isenabled())
    helper.join()
    assert seen == [False, False]
    assert gc.isenabled()


def test_a_collector_turned_off_before_stays_off():
    gc.disable()
    try:
        with cycle_collection_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()
