"""Public PyTorch tutorials, retold: each module's `run(torch)` makes the tutorial's calls.

Used by tests/test_public_tutorials.py, which runs every script with torch and with
teachgrad (under shared_randomness.same_draws) and compares what they print.
"""
