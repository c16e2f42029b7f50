"""Development support: the real server and real Chromium harness shared by tests, benchmarks and scripts."""
