package eventbus

// Stream is the stream the subscription reads, e.g. for the lag metrics
// of the consumer (svcrun).
func (s *Subscription) Stream() string { return s.cfg.Stream }

// Durable is the name of the subscription's durable consumer.
func (s *Subscription) Durable() string { return s.cfg.Durable }
