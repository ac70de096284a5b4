using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Awsmfa.Aws;
using Awsmfa.Credentials;
using Awsmfa.Output;

namespace Awsmfa.Server;

/// <summary>
/// A container-credentials endpoint on the loopback interface for <c>awsmfa exec --server</c>:
/// every AWS SDK and the AWS CLI fetch credentials from it (AWS_CONTAINER_CREDENTIALS_FULL_URI
/// with AWS_CONTAINER_AUTHORIZATION_TOKEN) and come back before they expire, so a job can
/// outlive any one set of credentials. Each answer comes through the credential pipeline; nothing
/// is written anywhere but the usual cache.
/// </summary>
/// <remarks>
/// HTTP/1.1 on a plain socket, one request per connection, because the endpoint must keep
/// answering its command while another local user holds thousands of idle connections:
/// HttpListener has no header timeout or connection cap on Linux and accepts until the process
/// runs out of file descriptors. Here a request must arrive whole within
/// <see cref="HeaderTimeout"/>, at most <see cref="MaxConnections"/> wait for theirs at once (twice
/// that for a few milliseconds), and when that many do, the one that has waited longest is
/// dropped for the newcomer: a real SDK request takes well under a millisecond to arrive, an idle
/// one never does. A connection whose request is already there is never dropped for another, and
/// on Linux a connection reaches the endpoint with its first bytes, or after a second of silence
/// (TCP_DEFER_ACCEPT).
/// </remarks>
internal sealed partial class CredentialsServer : IAsyncDisposable
{
    public static readonly TimeSpan HeaderTimeout = TimeSpan.FromSeconds(2);
    public const int MaxConnections = 64;
    private static readonly TimeSpan GraceAfterAccept = TimeSpan.FromMilliseconds(20);
    private const int MaxRequestBytes = 16 * 1024;
    private const int IpProtocolTcp = 6;
    private const int TcpDeferAccept = 9;

    private readonly Socket _listener;
    private readonly Func<CancellationToken, Task<ServedCredentials>> _credentials;
    private readonly TimeProvider _clock;
    private readonly TimeSpan _expiryMargin;
    private readonly Reporter _reporter;
    private readonly byte[] _token;
    private readonly SemaphoreSlim _refresh = new(1, 1);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _serving;
    private readonly LinkedList<Connection> _waiting = new();
    private readonly Lock _gate = new();
    private ServedCredentials? _current;
    private volatile bool _closing;

    private CredentialsServer(Socket listener, Uri uri, string token, Func<CancellationToken, Task<ServedCredentials>> credentials, ServedCredentials first, TimeProvider clock, TimeSpan expiryMargin, Reporter reporter)
    {
        _listener = listener;
        Uri = uri;
        Token = token;
        _token = Encoding.UTF8.GetBytes(token);
        _credentials = credentials;
        _current = first;
        _clock = clock;
        _expiryMargin = expiryMargin;
        _reporter = reporter;
        _serving = Task.Run(ServeAsync);
    }

    /// <summary>What AWS_CONTAINER_CREDENTIALS_FULL_URI says.</summary>
    public Uri Uri { get; }

    /// <summary>What AWS_CONTAINER_AUTHORIZATION_TOKEN says: 256 random bits, new for each run.</summary>
    public string Token { get; }

    /// <summary>Connections open right now (tests and the benchmark watch it).</summary>
    public int OpenConnections
    {
        get
        {
            lock (_gate)
            {
                return _waiting.Count;
            }
        }
    }

    /// <summary>Starts listening on 127.0.0.1 at a free port, under a random path.</summary>
    public static CredentialsServer Start(
        Func<CancellationToken, Task<ServedCredentials>> credentials, ServedCredentials first, TimeProvider clock, TimeSpan expiryMargin, Reporter reporter)
    {
        var token = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        var path = "/awsmfa/" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8)) + "/credentials";
        var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            if (OperatingSystem.IsLinux())
            {
                // TCP_DEFER_ACCEPT: a connection reaches accept() with its first bytes (an SDK's
                // whole request head), so a real request is never a candidate for eviction, even
                // when its client is slow to send after connecting. A silent one waits in the
                // kernel's queue for about a second (one SYN-ACK retransmit), then comes here and
                // gets the header timeout. One second, not more: that queue is the listen
                // backlog, which a flood of silent connections fills unless SYN cookies are on.
                // Best effort: without the option the eviction alone protects the endpoint.
                try
                {
                    listener.SetRawSocketOption(IpProtocolTcp, TcpDeferAccept, BitConverter.GetBytes(1));
                }
                catch (SocketException)
                {
                }
            }

            listener.Listen(512);
        }
        catch
        {
            listener.Dispose();
            throw;
        }

        var port = ((IPEndPoint)listener.LocalEndPoint!).Port;
        return new CredentialsServer(listener, new Uri($"http://127.0.0.1:{port}{path}"), token, credentials, first, clock, expiryMargin, reporter);
    }

    /// <summary>
    /// After the command: the port stays bound, every request answered 503, so that no other
    /// local user can take the port over and answer a leftover process of the command (which
    /// still holds the URL and token) with credentials of their own.
    /// </summary>
    public void Close() => _closing = true;

    public async ValueTask DisposeAsync()
    {
        _closing = true;
        await _stop.CancelAsync().ConfigureAwait(false);
        _listener.Dispose();
        try
        {
            await _serving.ConfigureAwait(false);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException or OperationCanceledException)
        {
            // Closing the socket ends the loop with one of these.
        }

        lock (_gate)
        {
            foreach (var connection in _waiting)
            {
                connection.Drop();
            }
        }

        _refresh.Dispose();
        _stop.Dispose();
    }

    private async Task ServeAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptAsync(_stop.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException or OperationCanceledException)
            {
                if (_stop.IsCancellationRequested || e is ObjectDisposedException or OperationCanceledException)
                {
                    return;
                }

                // Out of descriptors for a moment, or a connection that failed before it was
                // accepted (ECONNABORTED and kin): the endpoint goes on serving its command.
                _reporter.Detail($"server: accept failed ({((SocketException)e).SocketErrorCode}); going on");
                await Task.Delay(50).ConfigureAwait(false);
                continue;
            }

            var connection = new Connection(socket);
            // A request that is already here whole (an SDK sends it with the connection) is
            // answered without ever being a candidate for eviction: under a flood of idle
            // connections, a real request would otherwise be dropped for newcomers before its
            // handler got to read it.
            if (!HeadWaiting(socket, handlerStarted: false))
            {
                lock (_gate)
                {
                    // The oldest is the one least likely to be a real request, unless its
                    // request has arrived meanwhile and waits for its handler: that one is
                    // spared (its handler answers it at once) and the next looked at. One
                    // accepted a moment ago may not have sent its request yet (an SDK sends it
                    // right after connecting): up to twice the cap, those are kept too.
                    while (_waiting.Count >= MaxConnections)
                    {
                        var oldest = _waiting.First!.Value;
                        if (_waiting.Count < 2 * MaxConnections && Stopwatch.GetElapsedTime(oldest.Accepted) < GraceAfterAccept)
                        {
                            break;
                        }

                        _waiting.RemoveFirst();
                        if (!HeadWaiting(oldest.Socket, handlerStarted: true))
                        {
                            oldest.Drop();
                        }
                    }

                    connection.Node = _waiting.AddLast(connection);
                }
            }

            _ = Task.Run(() => HandleAsync(connection));
        }
    }

    /// <summary>
    /// Whether a whole request head waits on the socket (looked at, not read). Where a handler may
    /// be reading it, only the system's own non-blocking peek will do: .NET queues a synchronous
    /// receive behind a pending asynchronous one, so <see cref="Socket.Receive(Span{byte}, SocketFlags)"/>
    /// would wait for the very request it looks for. Windows has no such peek here: there, only a
    /// socket just accepted is looked at.
    /// </summary>
    private static bool HeadWaiting(Socket socket, bool handlerStarted)
    {
        Span<byte> head = stackalloc byte[4096];
        var peeked = PeekWithoutWaiting(socket, head) ?? (handlerStarted ? 0 : PeekJustAccepted(socket, head));
        return head[..peeked].IndexOf("\r\n\r\n"u8) >= 0;
    }

    /// <summary>What the system's non-blocking peek sees; null where there is none (Windows, or no libc entry).</summary>
    private static unsafe int? PeekWithoutWaiting(Socket socket, Span<byte> head)
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS())
        {
            return null;
        }

        try
        {
            fixed (byte* buffer = head)
            {
                var peeked = Receive((int)socket.Handle, buffer, head.Length, MessagePeek | (OperatingSystem.IsLinux() ? LinuxDontWait : MacDontWait));
                return peeked > 0 ? (int)peeked : 0;
            }
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return null;
        }
        catch (ObjectDisposedException)
        {
            return 0;
        }
    }

    /// <summary>.NET's own peek, for a socket no handler reads yet.</summary>
    private static int PeekJustAccepted(Socket socket, Span<byte> head)
    {
        try
        {
            return socket.Available > 0 ? socket.Receive(head, SocketFlags.Peek) : 0;
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            return 0;
        }
    }

    private const int MessagePeek = 0x2;
    private const int LinuxDontWait = 0x40;
    private const int MacDontWait = 0x80;

    [LibraryImport("libc", EntryPoint = "recv")]
    private static unsafe partial nint Receive(int socket, byte* buffer, nint length, int flags);

    private async Task HandleAsync(Connection connection)
    {
        var outcome = "";
        var status = 0;
        Request? request = null;
        try
        {
            request = await ReadRequestAsync(connection).ConfigureAwait(false);
            if (request is null)
            {
                return;
            }

            (status, var body, outcome, var allow) = await AnswerAsync(request).ConfigureAwait(false);
            await RespondAsync(connection, status, body, allow).ConfigureAwait(false);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException or IOException or OperationCanceledException)
        {
            // The client went away, was too slow, or was dropped for a newer connection.
            return;
        }
#pragma warning disable CA1031 // The job must get an answer whatever happened; the bug is reported on stderr.
        catch (Exception e)
#pragma warning restore CA1031
        {
            _reporter.Warn($"server: this is a bug in awsmfa ({e.GetType().Name}); the request got HTTP 500");
            try
            {
                await RespondAsync(connection, 500, Error("InternalError", "awsmfa could not answer"), allow: false).ConfigureAwait(false);
            }
            catch (Exception inner) when (inner is SocketException or ObjectDisposedException or IOException or OperationCanceledException)
            {
                // The client went away meanwhile.
            }

            return;
        }
        finally
        {
            lock (_gate)
            {
                if (connection.Node?.List is not null)
                {
                    _waiting.Remove(connection.Node);
                }
            }

            connection.Drop();
        }

        // The path's random part and the token are secrets of sorts: neither is logged.
        _reporter.Detail($"server: {Printable.OneLine(request.Method)} {(request.Path == Uri.AbsolutePath ? "/credentials" : "(other path)")} -> {status}{outcome}");
    }

    /// <summary>
    /// The request line and headers, within the header timeout and size cap; null for anything
    /// else. It waits for bytes without taking them, then takes them under the gate: the eviction,
    /// under the same gate, so never drops a connection whose request was read whole but not yet
    /// answered (it would have been taken off the waiting list in the same step).
    /// </summary>
    private async Task<Request?> ReadRequestAsync(Connection connection)
    {
        using var timeout = new CancellationTokenSource(HeaderTimeout);
        var buffer = new byte[MaxRequestBytes];
        var length = 0;
        while (true)
        {
            await connection.Socket.ReceiveAsync(Memory<byte>.Empty, SocketFlags.None, timeout.Token).ConfigureAwait(false);
            int end;
            lock (_gate)
            {
                // Readable with nothing to read: the client closed its side. Otherwise what is
                // there is taken at once (no asynchronous receive is pending: this one ended).
                var available = connection.Socket.Available;
                if (available == 0)
                {
                    return null;
                }

                length += connection.Socket.Receive(buffer.AsSpan(length, Math.Min(available, buffer.Length - length)));
                end = buffer.AsSpan(0, length).IndexOf("\r\n\r\n"u8);
                if (end >= 0 && connection.Node?.List is not null)
                {
                    // Arrived whole: no longer a candidate for eviction.
                    _waiting.Remove(connection.Node);
                }
            }

            if (end >= 0)
            {
                return Request.Parse(Encoding.ASCII.GetString(buffer, 0, end));
            }

            if (length == buffer.Length)
            {
                return null;
            }
        }
    }

    private async Task<(int Status, string Body, string Outcome, bool Allow)> AnswerAsync(Request request)
    {
        if (request.Path != Uri.AbsolutePath)
        {
            return (404, Error("NotFound", "no such path"), "", false);
        }

        if (request.Method != "GET")
        {
            return (405, Error("MethodNotAllowed", "only GET"), "", true);
        }

        if (request.Authorization is not { } authorization)
        {
            return (401, Error("Unauthorized", "no Authorization header"), "", false);
        }

        if (!CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(authorization), _token))
        {
            return (403, Error("Forbidden", "wrong token"), "", false);
        }

        if (_closing)
        {
            return (503, Error("CredentialsUnavailable", "awsmfa: the command this endpoint served has ended"), ", closed", false);
        }

        ServedCredentials served;
        bool refreshed;
        try
        {
            (served, refreshed) = await CurrentAsync(_stop.Token).ConfigureAwait(false);
        }
        catch (AwsmfaException e)
        {
            // The SDK in the job shows this; the person at awsmfa's terminal sees what is needed.
            _reporter.Warn($"could not get credentials for the command: {e.Message}");
            return (503, Error("CredentialsUnavailable", "awsmfa: " + e.Message), ", no credentials", false);
        }

        var body = JsonSerializer.Serialize(
            new ContainerCredentialsJson(served.Credentials.AccessKeyId, served.Credentials.SecretAccessKey, served.Credentials.SessionToken, Timestamps.Format(served.Credentials.Expiration), served.Identity.RoleArn),
            OutputJson.Compact.ContainerCredentialsJson);
        return (200, body, refreshed ? ", refreshed" : ", from memory", false);
    }

    private async Task<(ServedCredentials Served, bool Refreshed)> CurrentAsync(CancellationToken cancellationToken)
    {
        if (Fresh(Volatile.Read(ref _current)) is { } current)
        {
            return (current, false);
        }

        await _refresh.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (Fresh(_current) is { } meanwhile)
            {
                return (meanwhile, false);
            }

            var served = await _credentials(cancellationToken).ConfigureAwait(false);
            Volatile.Write(ref _current, served);
            return (served, true);
        }
        finally
        {
            _refresh.Release();
        }
    }

    private ServedCredentials? Fresh(ServedCredentials? served) =>
        served is not null && CachedStep.IsFresh(served.Credentials.Expiration, _clock.GetUtcNow(), _expiryMargin) ? served : null;

    private static string Error(string code, string message) =>
        JsonSerializer.Serialize(new ContainerErrorJson(code, message), OutputJson.Compact.ContainerErrorJson);

    private static async Task RespondAsync(Connection connection, int status, string json, bool allow)
    {
        var body = Encoding.UTF8.GetBytes(json);
        var reason = status switch
        {
            200 => "OK",
            401 => "Unauthorized",
            403 => "Forbidden",
            404 => "Not Found",
            405 => "Method Not Allowed",
            503 => "Service Unavailable",
            _ => "Internal Server Error",
        };
        var head = $"HTTP/1.1 {status} {reason}\r\nContent-Type: application/json\r\nContent-Length: {body.Length}\r\nCache-Control: no-store\r\n{(allow ? "Allow: GET\r\n" : "")}Connection: close\r\n\r\n";
        using var timeout = new CancellationTokenSource(HeaderTimeout);
        await connection.Socket.SendAsync(Encoding.ASCII.GetBytes(head).Concat(body).ToArray(), SocketFlags.None, timeout.Token).ConfigureAwait(false);
        connection.Socket.Shutdown(SocketShutdown.Send);
    }

    private sealed class Connection(Socket socket)
    {
        public Socket Socket { get; } = socket;

        public long Accepted { get; } = Stopwatch.GetTimestamp();

        public LinkedListNode<Connection>? Node { get; set; }

        public void Drop()
        {
            try
            {
                Socket.Dispose();
            }
            catch (ObjectDisposedException)
            {
            }
        }
    }

    /// <summary>The parts of a request the endpoint looks at.</summary>
    private sealed record Request(string Method, string Path, string? Authorization)
    {
        public static Request? Parse(string head)
        {
            var lines = head.Split("\r\n");
            var parts = lines[0].Split(' ');
            if (parts.Length != 3 || !parts[2].StartsWith("HTTP/1.", StringComparison.Ordinal))
            {
                return null;
            }

            var path = parts[1];
            var query = path.IndexOf('?', StringComparison.Ordinal);
            path = query >= 0 ? path[..query] : path;
            string? authorization = null;
            foreach (var line in lines.Skip(1))
            {
                var colon = line.IndexOf(':', StringComparison.Ordinal);
                if (colon > 0 && line.AsSpan(0, colon).Trim().Equals("Authorization", StringComparison.OrdinalIgnoreCase))
                {
                    authorization = line[(colon + 1)..].Trim();
                }
            }

            return new Request(parts[0], path, authorization);
        }
    }
}
