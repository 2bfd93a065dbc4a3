module github.com/dfe-tools/directions/bench/decoders

go 1.26.8

replace github.com/dfe-tools/directions => ../..

require (
	github.com/dfe-tools/directions v0.0.0-00010101000000-000000000000
	github.com/valyala/fastjson v1.6.10
)

require (
	github.com/go-json-experiment/json v1.27.2 // indirect
	go.yaml.in/yaml/v3 v3.0.6 // indirect
)
