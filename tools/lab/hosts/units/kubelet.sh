# LAB FIXTURE (tools/lab/hosts/systemctl): the kubelet unit of a lab host, as the kubeadm packages' drop-in runs it
# (kubeadm's flags file, /etc/default/kubelet for the lab's extra flags), restarted like systemd's Restart=always.
child=
trap '[ -z "$child" ] || kill -TERM "$child" 2>/dev/null; wait; exit 0' TERM INT
while :; do
  KUBELET_KUBEADM_ARGS= KUBELET_EXTRA_ARGS=
  [ ! -f /var/lib/kubelet/kubeadm-flags.env ] || . /var/lib/kubelet/kubeadm-flags.env
  [ ! -f /etc/default/kubelet ] || . /etc/default/kubelet
  if [ -f /var/lib/kubelet/config.yaml ]; then
    # shellcheck disable=SC2086 # flag lists, split on purpose as systemd does
    /usr/local/bin/kubelet --bootstrap-kubeconfig=/etc/kubernetes/bootstrap-kubelet.conf --kubeconfig=/etc/kubernetes/kubelet.conf \
      --config=/var/lib/kubelet/config.yaml $KUBELET_KUBEADM_ARGS $KUBELET_EXTRA_ARGS &
    child=$!
    wait "$child"
    child=
  fi
  sleep 2
done
