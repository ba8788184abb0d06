"""The cost marks: an unmarked test (the fast tier) cannot start a Jupyter kernel (tests/conftest.py)."""

import pytest
from jupyter_client import KernelManager


def test_an_unmarked_test_cannot_start_a_kernel():
    manager = KernelManager(kernel_name="python3")
    try:
        with pytest.raises(RuntimeError, match="^an unmarked test started a Jupyter kernel: mark it kernel"):
            manager.start_kernel()
        assert not manager.has_kernel
    finally:
        manager.cleanup_resources()
