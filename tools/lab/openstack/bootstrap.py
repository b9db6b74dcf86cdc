#!/usr/bin/python3
"""What an OpenStack operator does once the daemons of the lab's OpenStack run (tools/lab/openstack/openstack.sh).

  bootstrap.py catalog --keystone URL --region R --ports placement=P,glance=P,...
      the service project, the service users (passwords from $OSK_LAB_SECRETS/user-<name>), their admin role, the
      services and their endpoints, and the roles Octavia's policy knows (load-balancer_member)
  bootstrap.py ready --computes N --nova-conf FILE
      waits for N nova-compute services, maps them into cell1 (nova-manage cell_v2 discover_hosts), waits until
      Placement knows N providers and the volume service is up
  bootstrap.py fixtures FILE.json
      the operator's fixtures from a JSON document: {"image": NAME, "flavors": [{name, vcpus, ramMb, diskGb}],
      "externalNetwork": {name, cidr, gateway, poolStart, poolEnd}, "volumeTypes": [NAME...]}

Runs as the lab's admin from OS_CLIENT_CONFIG_FILE (cloud osk-lab), through the REST APIs (openstacksdk's
sessions). Idempotent: what exists is kept. Independent requests go in parallel: Keystone answers slowly.
"""
import argparse
import json
import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import openstack

CLOUD = "osk-lab"
# Service name -> (type, path appended to http://<address>:<port>)
SERVICES = {
    "placement": [("placement", "")],
    "glance": [("image", "")],
    "nova": [("compute", "/v2.1")],
    "neutron": [("network", "")],
    "octavia": [("load-balancer", "")],
    # Both names Cinder's v3 API is looked up by (older clients ask for volumev3, newer for block-storage).
    "cinder": [("volumev3", "/v3/%(project_id)s"), ("block-storage", "/v3/%(project_id)s")],
}
OCTAVIA_ROLES = ["load-balancer_member", "load-balancer_observer", "load-balancer_admin"]


def log(msg):
    print(f"[bootstrap] {msg}", file=sys.stderr, flush=True)


def connect():
    return openstack.connect(cloud=CLOUD)


def body(resp, key=None):
    if resp.status_code >= 400:
        raise RuntimeError(f"{resp.request.method} {resp.url}: HTTP {resp.status_code}: {resp.text[:500]}")
    if not resp.content:
        return None
    doc = resp.json()
    return doc[key] if key else doc


def find_or_create(adapter, path, key, match, create):
    """GET path?match, else POST {key: create}; returns the object."""
    items = body(adapter.get(path, params=match), key + "s" if not key.endswith("s") else key)
    if items:
        return items[0]
    return body(adapter.post(path, json={key: create}), key)


def catalog(args):
    conn = connect()
    ks = conn.identity
    ports = dict(p.split("=") for p in args.ports.split(","))
    secrets = os.environ["OSK_LAB_SECRETS"]

    project = find_or_create(ks, "/projects", "project", {"name": "service"}, {"name": "service", "domain_id": "default", "description": "OpenStack service users (lab)"})
    roles = {}

    def role(name):
        roles[name] = find_or_create(ks, "/roles", "role", {"name": name}, {"name": name})

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(role, ["admin", "member", "reader", "service"] + OCTAVIA_ROLES))

    def service_user(name):
        with open(os.path.join(secrets, f"user-{name}")) as f:
            password = f.read().strip()
        user = find_or_create(ks, "/users", "user", {"name": name}, {"name": name, "domain_id": "default", "password": password, "default_project_id": project["id"]})
        # The password in the secrets file wins (a state dir keeps its users across restarts).
        body(ks.patch(f"/users/{user['id']}", json={"user": {"password": password}}))
        for r in ("admin", "service"):
            body(ks.put(f"/projects/{project['id']}/users/{user['id']}/roles/{roles[r]['id']}"))
        return name

    def service_and_endpoints(entry):
        name, (stype, path) = entry
        svc = find_or_create(ks, "/services", "service", {"type": stype}, {"name": name if stype not in ("block-storage",) else "cinder-block-storage", "type": stype, "enabled": True})
        existing = body(ks.get("/endpoints", params={"service_id": svc["id"]}), "endpoints")
        have = {e["interface"]: e for e in existing}
        for interface in ("public", "internal", "admin"):
            url = f"http://{args.public_host if interface == 'public' else '127.0.0.1'}:{ports[name]}{path}"
            if interface in have and have[interface]["url"] == url:
                continue
            if interface in have:
                body(ks.patch(f"/endpoints/{have[interface]['id']}", json={"endpoint": {"url": url}}))
            else:
                body(ks.post("/endpoints", json={"endpoint": {"service_id": svc["id"], "interface": interface, "url": url, "region_id": args.region}}))
        return stype

    entries = [(name, s) for name, types in SERVICES.items() for s in types]
    with ThreadPoolExecutor(8) as pool:
        users = list(pool.map(service_user, list(SERVICES)))
        types = list(pool.map(service_and_endpoints, entries))
    log(f"service users {', '.join(users)}; services {', '.join(types)}")


def wait(what, fn, timeout, interval=2):
    deadline = time.time() + timeout
    last = None
    while time.time() < deadline:
        try:
            last = fn()
            if last:
                return last
        except Exception as e:  # an API still warming up
            last = e
        time.sleep(interval)
    raise RuntimeError(f"timed out waiting for {what} (last: {last})")


def ready(args):
    conn = connect()
    n = args.computes

    def computes_up():
        svcs = body(conn.compute.get("/os-services", params={"binary": "nova-compute"}), "services")
        return len([s for s in svcs if s["state"] == "up"]) >= n

    wait(f"{n} nova-compute services", computes_up, 300)

    def mapped():
        subprocess.run(["nova-manage", "--config-file", args.nova_conf, "cell_v2", "discover_hosts"], check=True, capture_output=True)
        hyps = body(conn.compute.get("/os-hypervisors"), "hypervisors")
        return len(hyps) >= n

    wait(f"{n} hypervisors mapped", mapped, 180, 3)

    def providers():
        rps = body(conn.placement.get("/resource_providers", headers={"OpenStack-API-Version": "placement 1.14"}), "resource_providers")
        return len(rps) >= n

    wait(f"{n} resource providers", providers, 180)

    def volume_up():
        svcs = body(conn.block_storage.get("/os-services", params={"binary": "cinder-volume"}), "services")
        return any(s["state"] == "up" for s in svcs)

    wait("cinder-volume", volume_up, 180)
    log(f"{n} compute hosts mapped, Placement has their providers, cinder-volume is up")


def fixtures(args):
    with open(args.file) as f:
        spec = json.load(f)
    conn = connect()

    def image(name):
        found = body(conn.image.get("/images", params={"name": name}), "images")
        if found and found[0]["status"] == "active":
            return
        for img in found:
            body(conn.image.delete(f"/images/{img['id']}"))
        img = body(conn.image.post("/images", json={"name": name, "disk_format": "raw", "container_format": "bare", "visibility": "public", "min_disk": 0, "min_ram": 0}))
        # 1 MiB of zeros: Nova's fake driver boots nothing, but Glance and Nova handle a real image file.
        body(conn.image.put(f"/images/{img['id']}/file", data=b"\0" * (1 << 20), headers={"Content-Type": "application/octet-stream"}))

    def flavor(f):
        found = [x for x in body(conn.compute.get("/flavors/detail", params={"is_public": "None"}), "flavors") if x["name"] == f["name"]]
        if found:
            return
        body(conn.compute.post("/flavors", json={"flavor": {"name": f["name"], "vcpus": f["vcpus"], "ram": f["ramMb"], "disk": f["diskGb"]}}))

    def external(net):
        nets = body(conn.network.get("/networks", params={"name": net["name"]}), "networks")
        if nets:
            network = nets[0]
        else:
            network = body(conn.network.post("/networks", json={"network": {"name": net["name"], "router:external": True, "shared": False, "provider:network_type": "flat", "provider:physical_network": "physnet1"}}), "network")
        subnets = body(conn.network.get("/subnets", params={"network_id": network["id"]}), "subnets")
        if not subnets:
            body(conn.network.post("/subnets", json={"subnet": {"name": net["name"], "network_id": network["id"], "ip_version": 4, "cidr": net["cidr"], "gateway_ip": net["gateway"], "enable_dhcp": False, "allocation_pools": [{"start": net["poolStart"], "end": net["poolEnd"]}]}}), "subnet")

    def volume_type(name):
        found = [t for t in body(conn.block_storage.get("/types"), "volume_types") if t["name"] == name]
        if found:
            return
        # No backend name: the lab has one backend (Cinder's fake driver, which reports itself as "fake").
        body(conn.block_storage.post("/types", json={"volume_type": {"name": name, "os-volume-type-access:is_public": True, "description": "lab volume type (Cinder's fake driver)"}}))

    with ThreadPoolExecutor(6) as pool:
        jobs = [pool.submit(image, spec["image"]), pool.submit(external, spec["externalNetwork"])]
        jobs += [pool.submit(flavor, f) for f in spec["flavors"]]
        jobs += [pool.submit(volume_type, t) for t in spec["volumeTypes"]]
        for j in jobs:
            j.result()
    log(f"image {spec['image']}, flavors {', '.join(f['name'] for f in spec['flavors'])}, external network {spec['externalNetwork']['name']} {spec['externalNetwork']['cidr']}, volume types {', '.join(spec['volumeTypes'])}")


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    c = sub.add_parser("catalog")
    c.add_argument("--keystone", required=True)
    c.add_argument("--region", required=True)
    c.add_argument("--ports", required=True)
    c.add_argument("--public-host", default="127.0.0.1", help="address of the public endpoints (internal and admin stay on 127.0.0.1)")
    r = sub.add_parser("ready")
    r.add_argument("--computes", type=int, required=True)
    r.add_argument("--nova-conf", required=True)
    f = sub.add_parser("fixtures")
    f.add_argument("file")
    args = ap.parse_args()
    t0 = time.time()
    {"catalog": catalog, "ready": ready, "fixtures": fixtures}[args.cmd](args)
    log(f"{args.cmd} took {time.time() - t0:.1f} s")


if __name__ == "__main__":
    main()
