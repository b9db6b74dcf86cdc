// The VIP in front of the apiservers: keepalived moves the address between masters, HAProxy on each master
// spreads connections over every healthy apiserver. Rendered as plain text for the hosts.
import type { Site } from "../core/site";
import type { Host, KubeadmConfig } from "./args";
import { APISERVER_PORT } from "./kubeadm";

/** A VRRP router id in 1..255 derived from the site name, so neighbouring sites rarely collide. */
export function vrrpRouterId(siteName: string): number {
    let h = 0;
    for (const ch of siteName) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
    return (h % 255) + 1;
}

/** Priority per master: the first master prefers the VIP, the others follow in order. */
export function vrrpPriority(index: number): number {
    return 150 - index * 10;
}

export function renderHaproxy(cp: KubeadmConfig): string {
    const backends = cp.masters.map((m) => `    server ${m.name} ${hostPort(m.address, APISERVER_PORT)} check check-ssl verify none`);
    return [
        "global",
        "    log stdout format raw local0",
        "    maxconn 8000",
        "defaults",
        "    mode tcp",
        "    log global",
        "    option tcplog",
        "    timeout connect 5s",
        "    timeout client 1h",
        "    timeout server 1h",
        "frontend osk-apiserver",
        `    bind :::${cp.endpoint.port} v4v6`,
        "    default_backend osk-apiservers",
        "backend osk-apiservers",
        "    option httpchk GET /readyz",
        "    http-check expect status 200",
        "    balance roundrobin",
        "    default-server inter 3s fall 3 rise 2",
        ...backends,
        "",
    ].join("\n");
}

export function renderKeepalived(cp: KubeadmConfig, site: Site, self: Host): string {
    if (cp.endpoint.type !== "vip") throw new Error("keepalived is only rendered for a VIP endpoint");
    const index = cp.masters.findIndex((m) => m.name === self.name);
    const peers = cp.masters.filter((m) => m.name !== self.name).map((m) => `        ${m.address}`);
    const prefix = cp.endpoint.address.includes(":") ? 128 : 32;
    return [
        "global_defs {",
        `    router_id osk_${site.name}_${self.name}`,
        "    enable_script_security",
        "    script_user root",
        "}",
        "vrrp_script osk_check_apiserver {",
        `    script "/usr/bin/curl -sfk --max-time 2 https://127.0.0.1:${cp.endpoint.port}/readyz"`,
        "    interval 3",
        "    fall 3",
        "    rise 2",
        "    weight -30",
        "}",
        "vrrp_instance osk_api {",
        "    state BACKUP",
        `    interface ${cp.endpoint.interface}`,
        `    virtual_router_id ${vrrpRouterId(site.name)}`,
        `    priority ${vrrpPriority(index)}`,
        "    advert_int 1",
        `    unicast_src_ip ${self.address}`,
        "    unicast_peer {",
        ...peers,
        "    }",
        "    virtual_ipaddress {",
        `        ${cp.endpoint.address}/${prefix}`,
        "    }",
        "    track_script {",
        "        osk_check_apiserver",
        "    }",
        "}",
        "",
    ].join("\n");
}

function hostPort(address: string, port: number): string {
    return address.includes(":") ? `[${address}]:${port}` : `${address}:${port}`;
}
