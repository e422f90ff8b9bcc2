package grpcx

import (
	"context"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/metadata"
)

// Dial returns a client connection to target (a grpc-go target such as
// "dns:///certification:9090" or "127.0.0.1:9090"). It uses plaintext
// transport unless opts carry other credentials (grpc.WithTransportCredentials
// in opts wins; TransportCredentials(ClientTLS(...)) for mutual TLS).
// Like grpc.NewClient, it connects lazily on the first call.
func Dial(target string, opts ...grpc.DialOption) (*grpc.ClientConn, error) {
	all := append([]grpc.DialOption{grpc.WithTransportCredentials(insecure.NewCredentials())}, opts...)
	return grpc.NewClient(target, all...)
}

// ForwardAuth returns the dial options that install ForwardAuthUnary and
// ForwardAuthStream: grpcx.Dial(target, grpcx.ForwardAuth()...).
func ForwardAuth() []grpc.DialOption {
	return []grpc.DialOption{
		grpc.WithChainUnaryInterceptor(ForwardAuthUnary),
		grpc.WithChainStreamInterceptor(ForwardAuthStream),
	}
}

// ForwardAuthUnary copies the authorization metadata of the call being served
// to the outgoing call, so that a service calling a peer on behalf of a user
// is judged with that user's permissions (ASVS 8.3.3). An authorization value
// already set on the outgoing context is kept.
func ForwardAuthUnary(ctx context.Context, method string, req, reply any, cc *grpc.ClientConn, invoker grpc.UnaryInvoker, opts ...grpc.CallOption) error {
	return invoker(forwardAuth(ctx), method, req, reply, cc, opts...)
}

// ForwardAuthStream is the streaming form of ForwardAuthUnary.
func ForwardAuthStream(ctx context.Context, desc *grpc.StreamDesc, cc *grpc.ClientConn, method string, streamer grpc.Streamer, opts ...grpc.CallOption) (grpc.ClientStream, error) {
	return streamer(forwardAuth(ctx), desc, cc, method, opts...)
}

func forwardAuth(ctx context.Context) context.Context {
	out, _ := metadata.FromOutgoingContext(ctx)
	if len(out.Get("authorization")) > 0 {
		return ctx
	}
	in, _ := metadata.FromIncomingContext(ctx)
	values := in.Get("authorization")
	if len(values) != 1 {
		return ctx
	}
	return metadata.AppendToOutgoingContext(ctx, "authorization", values[0])
}
