"""Ray backend: the same work units (stacked groups of activations) as Ray tasks, with identical results.

``ray.init()`` starts a local Ray by default; pass an address to join a cluster.  The driver commits each unit to
the store as its task finishes, so an interrupted Ray run resumes exactly like a local one.
"""
from __future__ import annotations


def run_on_ray(groups, unit_args, commit, progress, epochs, address=None):
    try:
        import ray
    except ImportError:
        raise ValueError("--backend ray needs Ray: pip install 'actlab[ray]'") from None
    from .engine import train_stack
    if not ray.is_initialized():
        if address:
            ray.init(address=address, log_to_driver=False)
        else:
            ray.init(include_dashboard=False, log_to_driver=False, configure_logging=False)
    remote = ray.remote(num_cpus=1)(train_stack)
    pending = {remote.remote(*unit_args(group)): group for group in groups}
    while pending:
        ready, _ = ray.wait(list(pending), num_returns=1)
        group = pending.pop(ready[0])
        commit(group, ray.get(ready[0]))
        if progress:
            for f in group:
                progress(f.name, epochs, epochs)
