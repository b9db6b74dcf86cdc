# LAB FIXTURE (tools/lab/hosts/systemctl): the containerd unit of a lab host (Debian's containerd).
exec /usr/bin/containerd --config /etc/containerd/config.toml
