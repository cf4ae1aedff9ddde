#!/usr/bin/env python3
"""Writes the real-shaped kube-apiserver scrapes the calibrate tests read.

Counts follow lognormal latencies over kube-apiserver's
apiserver_request_duration_seconds buckets, with the label set and HELP text
of the real metric. python3 generate.py rewrites every file here.
"""
import math

LE = [0.005, 0.025, 0.05, 0.1, 0.2, 0.4, 0.6, 0.8, 1.0, 1.25, 1.5, 2, 3, 4, 5, 6, 8, 10, 15, 20, 30, 45, 60]
INSTANCES = ["10.0.0.1:6443", "10.0.0.2:6443"]


def cdf(x, med, sig):
    return 0.5 * (1 + math.erf(math.log(x / med) / (sig * math.sqrt(2))))


def fmt_le(b):
    s = repr(float(b))
    return s[:-2] if s.endswith(".0") else s


def labels(pairs):
    return ",".join(f'{k}="{v}"' for k, v in pairs)


def hist_lines(name, lab, total, med, sig, inf=0, exemplar=False):
    out = []
    for b in LE:
        n = int(round((total - inf) * cdf(b, med, sig)))
        line = f"{name}_bucket{{{labels(lab)},le=\"{fmt_le(b)}\"}} {n}"
        if exemplar and b == 0.025:
            line += ' # {trace_id="4bf92f3577b34da6a3ce929d0e0e4736"} 0.0123 1.7e+09'
        out.append(line)
    out.append(f"{name}_bucket{{{labels(lab)},le=\"+Inf\"}} {total}")
    out.append(f"{name}_sum{{{labels(lab)}}} {total * med * math.exp(sig * sig / 2):.6f}")
    out.append(f"{name}_count{{{labels(lab)}}} {total}")
    return out


def request_labels(verb, resource, sub, group, scope, inst):
    lab = [("component", "apiserver"), ("dry_run", ""), ("group", group), ("resource", resource),
           ("scope", scope), ("subresource", sub), ("verb", verb), ("version", "v1")]
    return ([("instance", inst), ("job", "apiserver")] if inst else []) + lab


# verb, resource, subresource, group, scope, requests at scale 1, median, sigma
SERIES = [
    ("PUT", "leases", "", "coordination.k8s.io", "namespace", 360000, 0.006, 1.1),
    ("GET", "leases", "", "coordination.k8s.io", "namespace", 1200, 0.004, 1.3),
    ("PATCH", "nodes", "status", "", "cluster", 12000, 0.012, 1.0),
    ("GET", "nodes", "", "", "cluster", 5000, 0.003, 1.0),
    ("LIST", "pods", "", "", "cluster", 800, 0.15, 1.2),
    ("PUT", "configmaps", "", "", "namespace", 900, 0.01, 1.0),
]


def scrape(scale, insts, om=False, reset=None):
    counter = "apiserver_request" if om else "apiserver_request_total"
    L = [f"# HELP {counter} [STABLE] Counter of apiserver requests broken out for each verb, dry run value, group, version, resource, scope, component, and HTTP response code.",
         f"# TYPE {counter} counter"]
    for inst in insts:
        for verb, res, sub, group, scope, n, _, _ in SERIES[:3]:
            lab = ([("instance", inst), ("job", "apiserver")] if inst else []) + [("code", "200"), ("resource", res), ("verb", verb)]
            L.append(f"apiserver_request_total{{{labels(lab)}}} {int(n * scale)}")
    L.append("# HELP apiserver_request_duration_seconds [STABLE] Response latency distribution in seconds for each verb, dry run value, group, version, resource, subresource, scope and component.")
    L.append("# TYPE apiserver_request_duration_seconds histogram")
    if om:
        L.append("# UNIT apiserver_request_duration_seconds seconds")
    for inst in insts:
        s = scale * 0.05 if inst is not None and inst == reset else scale
        for verb, res, sub, group, scope, n, med, sig in SERIES:
            lab = request_labels(verb, res, sub, group, scope, inst)
            lease_put = verb == "PUT" and res == "leases"
            L += hist_lines("apiserver_request_duration_seconds", lab, int(n * s), med, sig, inf=int(3 * s) if lease_put else 0, exemplar=om and lease_put)
            if om and lease_put:
                L.append(f"apiserver_request_duration_seconds_created{{{labels(lab)}}} 1.7e+09")
    L.append("# HELP process_resident_memory_bytes Resident memory size in bytes.")
    L.append("# TYPE process_resident_memory_bytes gauge")
    for inst in insts:
        lab = f'{{instance="{inst}",job="apiserver"}}' if inst else ""
        L.append(f"process_resident_memory_bytes{lab} 1.2345e+09")
    if om:
        L.append("# EOF")
    return "\n".join(L) + "\n"


files = {
    "scrape.prom": scrape(1.0, [None]),
    "scrape-old.prom": scrape(0.8, [None]),
    "federated.prom": scrape(1.0, INSTANCES),
    "federated-old.prom": scrape(0.5, INSTANCES),
    "federated-restarted.prom": scrape(1.0, INSTANCES, reset=INSTANCES[1]),
    "openmetrics.prom": scrape(1.0, INSTANCES, om=True),
}
# A scrape without the lease GET histogram: calibrate keeps read-latency.
files["no-lease-get.prom"] = "".join(l for l in files["scrape.prom"].splitlines(True)
                                     if 'resource="leases",scope="namespace",subresource="",verb="GET"' not in l)
# Not a kube-apiserver scrape: etcd's own /metrics.
files["etcd.prom"] = """# HELP etcd_disk_wal_fsync_duration_seconds The latency distributions of fsync called by WAL.
# TYPE etcd_disk_wal_fsync_duration_seconds histogram
etcd_disk_wal_fsync_duration_seconds_bucket{le="0.001"} 100
etcd_disk_wal_fsync_duration_seconds_bucket{le="0.002"} 150
etcd_disk_wal_fsync_duration_seconds_bucket{le="+Inf"} 160
etcd_disk_wal_fsync_duration_seconds_sum 0.2
etcd_disk_wal_fsync_duration_seconds_count 160
"""
# Malformed at line 5: a word after the timestamp.
files["malformed.prom"] = """# HELP apiserver_request_duration_seconds Response latency.
# TYPE apiserver_request_duration_seconds histogram
apiserver_request_duration_seconds_bucket{verb="PUT",resource="leases",le="0.005"} 10
apiserver_request_duration_seconds_bucket{verb="PUT",resource="leases",le="0.025"} 12
apiserver_request_duration_seconds_bucket{verb="PUT",resource="leases",le="+Inf"} 12 1700000000000 extra
"""
for name, text in files.items():
    with open(name, "w") as f:
        f.write(text)
