package portfolio_test

import (
	"strings"
	"testing"
	"time"

	"github.com/titrepro/titrepro/services/portfolio"
)

func TestLoadConfig(t *testing.T) {
	t.Parallel()
	defaults := portfolio.Config{
		GRPCAddr: "127.0.0.1:9092", DatabaseURL: "sqlite://var/portfolio.db", ShutdownTimeout: 10 * time.Second,
		BlobURL: "file://var/blobs", MaxDocumentBytes: 25 << 20, MaxDossierBytes: 200 << 20, MaxDocuments: 100,
		MaxUnpackedBytes: 256 << 20,
	}
	tests := []struct {
		name    string
		env     map[string]string
		want    portfolio.Config
		wantErr []string
	}{
		{name: "defaults", want: defaults},
		{name: "overrides", env: map[string]string{
			"GRPC_ADDR": ":7000", "DATABASE_URL": "postgres://db/portfolio", "SHUTDOWN_TIMEOUT": "3s",
			"BLOB_URL": "file:///srv/blobs", "MAX_DOCUMENT_BYTES": "1000", "MAX_DOSSIER_BYTES": "5000", "MAX_DOCUMENTS": "7",
			"MAX_UNPACKED_BYTES": "9000",
		}, want: portfolio.Config{
			GRPCAddr: ":7000", DatabaseURL: "postgres://db/portfolio", ShutdownTimeout: 3 * time.Second,
			BlobURL: "file:///srv/blobs", MaxDocumentBytes: 1000, MaxDossierBytes: 5000, MaxDocuments: 7,
			MaxUnpackedBytes: 9000,
		}},
		{name: "every problem is reported", env: map[string]string{
			"GRPC_ADDR": "no-port", "SHUTDOWN_TIMEOUT": "soon", "BLOB_URL": "gs://bucket",
			"MAX_DOCUMENT_BYTES": "-1", "MAX_DOSSIER_BYTES": "lots", "MAX_DOCUMENTS": "0",
			"MAX_UNPACKED_BYTES": "0",
		}, wantErr: []string{"GRPC_ADDR", "SHUTDOWN_TIMEOUT", "BLOB_URL", "MAX_DOCUMENT_BYTES", "MAX_DOSSIER_BYTES", "MAX_DOCUMENTS", "MAX_UNPACKED_BYTES"}},
		{name: "an object store", env: map[string]string{
			"BLOB_URL": "s3://evidence?endpoint=http://127.0.0.1:7070&use_path_style=true&region=us-east-1",
		}, want: func() portfolio.Config {
			c := defaults
			c.BlobURL = "s3://evidence?endpoint=http://127.0.0.1:7070&use_path_style=true&region=us-east-1"
			return c
		}()},
		{name: "an unknown scheme is named", env: map[string]string{"BLOB_URL": "gs://evidence"},
			wantErr: []string{`BLOB_URL: scheme "gs" is not supported: want file://<folder>, s3://<bucket>`}},
		{name: "an object store names its bucket", env: map[string]string{"BLOB_URL": "s3://?region=us-east-1"},
			wantErr: []string{"BLOB_URL", "names no bucket"}},
		{name: "the dossier limit holds at least one file", env: map[string]string{
			"MAX_DOCUMENT_BYTES": "2000", "MAX_DOSSIER_BYTES": "1000",
		}, wantErr: []string{"MAX_DOSSIER_BYTES (1000) is below MAX_DOCUMENT_BYTES (2000)"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := portfolio.LoadConfig(func(k string) string { return tt.env[k] })
			if len(tt.wantErr) > 0 {
				if err == nil {
					t.Fatalf("LoadConfig() = %+v, nil; want an error", got)
				}
				for _, want := range tt.wantErr {
					if !strings.Contains(err.Error(), want) {
						t.Errorf("error %q does not mention %s", err, want)
					}
				}
				return
			}
			if err != nil || got != tt.want {
				t.Errorf("LoadConfig() = %+v, %v; want %+v, nil", got, err, tt.want)
			}
		})
	}
}
