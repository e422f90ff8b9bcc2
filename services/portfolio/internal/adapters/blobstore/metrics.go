package blobstore

import (
	"errors"

	"github.com/prometheus/client_golang/prometheus"
)

// The operations of titrepro_blob_errors_total, one label value each.
const (
	OpWrite  = "write"  // an upload's temporary blob, its commit under its hash
	OpRead   = "read"   // reading a content, looking one up
	OpDelete = "delete" // removing a temporary blob
	OpList   = "list"   // listing the keys
)

// CountErrors registers titrepro_blob_errors_total{operation} on reg and
// makes the store count its failed operations there, every operation at 0
// from the start so that the series exist before the first failure. A nil
// reg counts nothing.
func (s *Store) CountErrors(reg prometheus.Registerer) error {
	if reg == nil {
		return nil
	}
	c := prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "titrepro_blob_errors_total",
		Help: "Failed operations of the portfolio's blob store (document contents), by operation.",
	}, []string{"operation"})
	if err := reg.Register(c); err != nil {
		var are prometheus.AlreadyRegisteredError
		if !errors.As(err, &are) {
			return err
		}
		existing, ok := are.ExistingCollector.(*prometheus.CounterVec)
		if !ok {
			return err
		}
		c = existing
	}
	for _, op := range []string{OpWrite, OpRead, OpDelete, OpList} {
		c.WithLabelValues(op)
	}
	s.errors = c
	return nil
}

// failed counts a failed operation op when err is not nil, and returns
// err: `return s.failed(OpRead, err)`.
func (s *Store) failed(op string, err error) error {
	if err != nil && s.errors != nil {
		s.errors.WithLabelValues(op).Inc()
	}
	return err
}
