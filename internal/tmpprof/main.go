package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/pprof"
	"time"

	"github.com/dfe-tools/directions/event"
)

func main() {
	f, _ := os.Open(os.Args[1])
	pf, _ := os.Create(os.Args[2])
	pprof.StartCPUProfile(pf)
	defer pprof.StopCPUProfile()
	t := time.Now()
	r := event.NewReader("h", f, event.Options{})
	n := 0
	for {
		_, err := r.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			panic(err)
		}
		n++
	}
	fmt.Println(n, time.Since(t), float64(n)/time.Since(t).Seconds())
}
