"""Which configurations are measured: the side-by-side comparison per channel, and the scaling series."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, List, Sequence

BASE_ENVS = 5
VARIANTS = ('floor', 'ours', 'naive')
SCALING_VARIANTS = ('floor', 'ours')


@dataclass(frozen=True)
class Config:
    """One measured setup: which channel, how many hosts, how many envs per host."""

    channel: str
    hosts: int
    envs: int

    @property
    def label(self) -> str:
        return '%s-h%d-e%d' % (self.channel, self.hosts, self.envs)


def comparisons(channels: Sequence[str]) -> List[Config]:
    """The no-op comparison of all three variants: one host, ``BASE_ENVS`` envs, per channel."""
    return [Config(channel, 1, BASE_ENVS) for channel in channels]


def scaling(channel: str, env_counts: Sequence[int], host_counts: Sequence[int]) -> List[Config]:
    """Envs grow on one host, then hosts grow with ``BASE_ENVS`` envs each."""
    series = [Config(channel, 1, envs) for envs in env_counts]
    series += [Config(channel, hosts, BASE_ENVS) for hosts in host_counts]
    return list(dict.fromkeys(series))


def measured_variants(configs_compared: Sequence[Config], configs_scaled: Sequence[Config]) -> Dict[Config, tuple]:
    """Every config once, with the variants it runs; a compared config keeps all three."""
    plan: Dict[Config, tuple] = {config: SCALING_VARIANTS for config in configs_scaled}
    plan.update({config: VARIANTS for config in configs_compared})
    return plan


def hosts_needed(configs: Sequence[Config], channel: str) -> List[int]:
    """For each host index of ``channel``'s fleet, how many envs it must hold."""
    sizes: List[int] = []
    for config in configs:
        if config.channel != channel:
            continue
        for index in range(config.hosts):
            if index < len(sizes):
                sizes[index] = max(sizes[index], config.envs)
            else:
                sizes.append(config.envs)
    return sizes
