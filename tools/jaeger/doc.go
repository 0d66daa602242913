// Package jaeger pins the Jaeger all-in-one binary the end-to-end trace test
// runs (`make services` builds it as arca-jaeger). It is a module of its own,
// outside go.work, so that Jaeger's dependency tree never reaches Arca's
// services; `go install` of Jaeger fails on its replace directives, hence
// `go get -tool` here.
package jaeger
