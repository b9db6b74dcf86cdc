// LAB FIXTURE: the lab hosts' pod sandbox process, standing in for the pause image kubeadm names (the lab has no
// registry). It holds the pod's namespaces open by doing nothing until it is told to stop.
package main

import (
	"os"
	"os/signal"
	"syscall"
)

func main() {
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGINT, syscall.SIGTERM)
	<-stop
}
