// LAB FIXTURE: stands in for the CSI sidecars the Go module proxy does not serve at the releases the tenant add-ons
// pin (components/tenant/addons/manifests.ts SIDECARS), so the lab's tenant cluster runs the Cinder CSI driver's
// manifests unchanged. tools/lab/hosts/images.sh tags it with those sidecars' names; the first argument (the image's
// entrypoint) says which one it is:
//
//	livenessprobe   answers GET /healthz on --health-port (default 9808): 200 while the driver's socket
//	                (--csi-address) accepts a connection, 500 otherwise (the real one also calls the driver's Probe)
//	attacher        does nothing: the lab attaches no volume (Nova's fake driver has no disk to give a node)
//	resizer         does nothing: the lab resizes no volume
//	registrar       does nothing: registers no node plugin with the kubelet, so no node advertises the driver
//
// Every other flag the manifests give is accepted and ignored. It exits on SIGTERM or SIGINT.
package main

import (
	"fmt"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"
)

func flagValue(args []string, name, fallback string) string {
	for _, a := range args {
		if v, ok := strings.CutPrefix(a, "--"+name+"="); ok {
			return v
		}
	}
	return fallback
}

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: csi-standin livenessprobe|attacher|resizer|registrar [--flag=value ...]")
		os.Exit(2)
	}
	role, args := os.Args[1], os.Args[2:]
	socket := strings.TrimPrefix(flagValue(args, "csi-address", "/run/csi/socket"), "unix://")
	fmt.Printf("lab stand-in for the CSI %s sidecar (driver socket %s)\n", role, socket)
	switch role {
	case "livenessprobe":
		port := flagValue(args, "health-port", "9808")
		http.HandleFunc("/healthz", func(w http.ResponseWriter, _ *http.Request) {
			c, err := net.DialTimeout("unix", socket, 3*time.Second)
			if err != nil {
				http.Error(w, fmt.Sprintf("driver socket %s: %v", socket, err), http.StatusInternalServerError)
				return
			}
			c.Close()
			fmt.Fprintln(w, "ok")
		})
		go func() {
			err := http.ListenAndServe(":"+port, nil)
			fmt.Fprintf(os.Stderr, "healthz on :%s: %v\n", port, err)
			os.Exit(1)
		}()
	case "attacher", "resizer", "registrar":
	default:
		fmt.Fprintf(os.Stderr, "unknown role %q (known: livenessprobe attacher resizer registrar)\n", role)
		os.Exit(2)
	}
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGINT, syscall.SIGTERM)
	<-stop
}
