// Package service is the exporter's place in the pipeline: it takes
// ExportRequested jobs, streams the tenant archive (or the full dump) into
// staging as compressed parts (one zstd frame each, cut by compressed size:
// internal/compress), announces each part to the encryptors, and holds back
// while too many parts of the artifact wait (back-pressure). The export
// logic itself lives in the internal packages.
package service
