"""dhcpkit.ipv6.server.statistics, reduced to what handlers use: counters updated through
count_<name>() calls on a StatisticsSet. SPDX-License-Identifier: BSD-2-Clause"""
from collections import Counter
from typing import Callable, Iterable, Optional


class Statistics:
    """Named counters; `statistics.counters['incoming_packets']`."""

    def __init__(self) -> None:
        self.counters: Counter = Counter()

    def __str__(self) -> str:
        return ', '.join('%s=%d' % kv for kv in sorted(self.counters.items())) or 'no counts'


class StatisticsSet:
    """Updates several Statistics at once (e.g. per server, per interface):
    `statistics.count_incoming_packet()` adds one to 'incoming_packet' in each of them."""

    def __init__(self, statistics_set: Optional[Iterable[Statistics]] = None) -> None:
        self.statistics_set = list(statistics_set or [])

    def __getattr__(self, name: str) -> Callable[[], None]:
        if not name.startswith('count_'):
            raise AttributeError(name)
        counter = name[len('count_'):]

        def count() -> None:
            for s in self.statistics_set:
                s.counters[counter] += 1
        return count


__all__ = ['Statistics', 'StatisticsSet']
