"""The load test reads wrk's report: throughput, errors and the latency distribution."""

from bench.httpload import parse_wrk

REPORT = """Running 30s test @ http://127.0.0.1:8000/
  2 threads and 32 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     1.91s   512.00ms   3.00s    78.50%
    Req/Sec     7.11      5.68    30.00     50.00%
  Latency Distribution
     50%    1.88s
     75%    2.20s
     90%    2.50s
     99%    2.57s
  462 requests in 30.08s, 9.10MB read
  Socket errors: connect 0, read 1, write 0, timeout 2
  Non-2xx or 3xx responses: 4
Requests/sec:     15.35
"""


def test_parse_wrk_reads_the_distribution_not_other_percentages():
    assert parse_wrk(REPORT) == {
        "requests": 462,
        "requests_per_second": 15.35,
        "non_2xx_3xx": 4,
        "socket_errors": 3,
        "latency_p50": "1.88s",
        "latency_p99": "2.57s",
    }
