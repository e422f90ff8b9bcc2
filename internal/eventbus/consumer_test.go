package eventbus_test

import (
	"testing"

	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protodesc"
	"google.golang.org/protobuf/types/descriptorpb"
	"google.golang.org/protobuf/types/dynamicpb"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/titrepro/titrepro/internal/dbtest"
	"github.com/titrepro/titrepro/internal/eventbus"
	"github.com/titrepro/titrepro/internal/natstest"
)

// testEvents returns messages named like events of the contexts "test"
// (ThingHappened, OtherThing) and "elsewhere" (ThingHappened), as the
// generated code of titrepro/<context>/v1 would declare them.
func testEvents(t *testing.T) (thingHappened, otherThing, elsewhere proto.Message) {
	t.Helper()
	file := func(context string, names ...string) []proto.Message {
		fd := &descriptorpb.FileDescriptorProto{
			Name:    proto.String("titrepro/" + context + "/v1/events.proto"),
			Package: proto.String("titrepro." + context + ".v1"),
			Syntax:  proto.String("proto3"),
		}
		for _, n := range names {
			fd.MessageType = append(fd.MessageType, &descriptorpb.DescriptorProto{Name: proto.String(n)})
		}
		f, err := protodesc.NewFile(fd, nil)
		require.NoError(t, err)
		var out []proto.Message
		for i := range names {
			out = append(out, dynamicpb.NewMessage(f.Messages().Get(i)))
		}
		return out
	}
	test := file("test", "ThingHappened", "OtherThing")
	return test[0], test[1], file("elsewhere", "ThingHappened")[0]
}

// TestSubscribeAllDerivesStreamAndSubjects: a consumer declared by its
// events reads their context's stream (created if missing), filtered on
// their subjects, under its durable name.
func TestSubscribeAllDerivesStreamAndSubjects(t *testing.T) {
	t.Parallel()
	thing, other, _ := testEvents(t)
	e := newEnv(t, dbtest.Engines(t)[0]) // the inbox is tested on every engine by TestSubscribe
	require.NoError(t, e.js.DeleteStream(t.Context(), e.stream), "SubscribeAll creates the stream")

	rec := &recorder{}
	subs, err := eventbus.SubscribeAll(t.Context(), e.js, e.db, nil, []eventbus.Consumer{
		{Durable: "things", Events: []proto.Message{thing}, Handle: rec.handle},
		{Durable: "others", Events: []proto.Message{other, thing}, Handle: rec.handle},
	})
	require.NoError(t, err)
	for _, s := range subs {
		t.Cleanup(s.Stop)
	}
	require.Len(t, subs, 2)

	require.Equal(t, []string{"titrepro.test.v1.thing_happened"}, e.consumerInfo(t, "things").Config.FilterSubjects)
	require.Equal(t, []string{"titrepro.test.v1.other_thing", "titrepro.test.v1.thing_happened"},
		e.consumerInfo(t, "others").Config.FilterSubjects)

	e.publish(t, "ev-1", "ev-1") // titrepro.test.v1.thing_happened
	e.waitAcked(t, "things", 1)
	e.waitAcked(t, "others", 1)
	require.Equal(t, 2, rec.callsOf("ev-1"), "each consumer applies the event once")
}

func TestSubscribeAllRefusesBadConsumers(t *testing.T) {
	t.Parallel()
	thing, _, elsewhere := testEvents(t)
	e := newEnv(t, dbtest.Engines(t)[0])
	rec := &recorder{}
	tests := []struct {
		name     string
		consumer eventbus.Consumer
	}{
		{"no events", eventbus.Consumer{Durable: "d", Handle: rec.handle}},
		{"no handler", eventbus.Consumer{Durable: "d", Events: []proto.Message{thing}}},
		{"two streams", eventbus.Consumer{Durable: "d", Events: []proto.Message{thing, elsewhere}, Handle: rec.handle}},
		{"no durable", eventbus.Consumer{Events: []proto.Message{thing}, Handle: rec.handle}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// A good consumer first: it is stopped when a later one fails.
			subs, err := eventbus.SubscribeAll(t.Context(), e.js, e.db, nil, []eventbus.Consumer{
				{Durable: "good", Events: []proto.Message{thing}, Handle: rec.handle}, tt.consumer,
			})
			require.Error(t, err)
			require.Nil(t, subs)
		})
	}
}

// TestSubscribeAllOnNoStream: a message outside titrepro's event packages
// has no stream; the server would accept the filter and deliver nothing,
// so the consumer is refused at setup.
func TestSubscribeAllOnNoStream(t *testing.T) {
	t.Parallel()
	_, js := natstest.Connect(t, natstest.RunJetStream(t))
	db := dbtest.Engines(t)[0].Open(t)
	require.NoError(t, eventbus.Migrate(t.Context(), db))
	rec := &recorder{}
	_, err := eventbus.SubscribeAll(t.Context(), js, db, nil, []eventbus.Consumer{
		{Durable: "d", Events: []proto.Message{&timestamppb.Timestamp{}}, Handle: rec.handle},
	})
	require.Error(t, err)
}
