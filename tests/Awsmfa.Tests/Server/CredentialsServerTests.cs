using System.Net;
using System.Net.Sockets;
using System.Text;
using Awsmfa.Aws;
using Awsmfa.Credentials;
using Awsmfa.Server;
using Microsoft.Extensions.Time.Testing;

namespace Awsmfa.Tests.Server;

/// <summary>The credentials endpoint's rules, in-process over real loopback sockets.</summary>
[TestFixture]
[Category("Unit")]
// Serial: it measures the endpoint's header timeout and eviction to a fraction of a second, which a loaded machine would blur.
[NonParallelizable]
public sealed class CredentialsServerTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 28, 12, 0, 0, TimeSpan.Zero);
    private FakeTimeProvider _clock = null!;
    private CredentialsServer _server = null!;
    private HttpClient _http = null!;
    private int _minted;
    private AwsmfaException? _mintFails;

    [SetUp]
    public void SetUp()
    {
        _clock = new FakeTimeProvider(Now);
        _minted = 0;
        _mintFails = null;
        var first = Served(Now.AddHours(1));
        _server = CredentialsServer.Start(
            _ =>
            {
                Interlocked.Increment(ref _minted);
                return _mintFails is { } failure ? Task.FromException<ServedCredentials>(failure) : Task.FromResult(Served(_clock.GetUtcNow().AddHours(1)));
            },
            first, _clock, TimeSpan.FromMinutes(5), new Reporter(TextWriter.Null, verbose: false));
        _http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
    }

    [TearDown]
    public async Task TearDown()
    {
        _http.Dispose();
        await _server.DisposeAsync();
    }

    private static ServedCredentials Served(DateTimeOffset expiration) => new(
        StepIdentity.ForSessionToken("base", "AKIAIOSFODNN7EXAMPLE", "arn:aws:iam::123456789012:mfa/alice"),
        new SessionCredentials("ASIASERVED0000000001", "served-secret", "served-token", expiration),
        FromCache: false);

    private async Task<(HttpStatusCode Status, string Body, HttpResponseMessage Response)> SendAsync(HttpMethod method, string? path = null, string? token = null)
    {
        using var request = new HttpRequestMessage(method, new Uri(_server.Uri, path ?? _server.Uri.AbsolutePath));
        if (token is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", token);
        }

        var response = await _http.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(), response);
    }

    [Test]
    public async Task The_token_gets_the_credentials_from_memory()
    {
        var (status, body, _) = await SendAsync(HttpMethod.Get, token: _server.Token);

        Assert.That(status, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(body, Does.Contain("\"AccessKeyId\":\"ASIASERVED0000000001\"").And.Contain("\"Token\":\"served-token\""));
        Assert.That(_minted, Is.Zero);
    }

    [Test]
    public async Task Past_the_margin_one_refresh_serves_every_waiting_request()
    {
        _clock.Advance(TimeSpan.FromMinutes(56));

        var answers = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => SendAsync(HttpMethod.Get, token: _server.Token)));

        Assert.That(answers.Select(a => a.Status), Is.All.EqualTo(HttpStatusCode.OK));
        Assert.That(_minted, Is.EqualTo(1));
    }

    [Test]
    public async Task Requests_without_the_token_the_path_or_GET_get_no_credentials()
    {
        var none = await SendAsync(HttpMethod.Get);
        var first = _server.Token[0];
        var wrong = await SendAsync(HttpMethod.Get, token: (first == '0' ? '1' : '0') + _server.Token[1..]);
        var path = await SendAsync(HttpMethod.Get, "/awsmfa/other/credentials", _server.Token);
        var post = await SendAsync(HttpMethod.Post, token: _server.Token);
        var put = await SendAsync(HttpMethod.Put, token: _server.Token);

        Assert.That(none.Status, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(wrong.Status, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That(path.Status, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That(post.Status, Is.EqualTo(HttpStatusCode.MethodNotAllowed), "a POST without a body, as the docs say: 405, not 411");
        Assert.That(post.Response.Content.Headers.Allow, Is.EquivalentTo(new[] { "GET" }));
        Assert.That(put.Status, Is.EqualTo(HttpStatusCode.MethodNotAllowed));
        foreach (var answer in new[] { none, wrong, path, post, put })
        {
            Assert.That(answer.Body, Does.Not.Contain("served-secret"));
        }
    }

    [Test]
    public async Task Credentials_that_cannot_be_had_are_503_with_the_line_that_says_what_to_run()
    {
        // An IAM Identity Center session that ended while the command ran, with no person to sign in.
        _mintFails = AwsmfaException.Usage("the IAM Identity Center session of profile 'dev' has expired and cannot be refreshed: run awsmfa sso login --sso-session corp");
        _clock.Advance(TimeSpan.FromMinutes(56));

        var (status, body, _) = await SendAsync(HttpMethod.Get, token: _server.Token);

        Assert.That(status, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
        Assert.That(body, Does.Contain("\"Code\":\"CredentialsUnavailable\"").And.Contain("awsmfa: the IAM Identity Center session of profile 'dev' has expired and cannot be refreshed: run awsmfa sso login --sso-session corp"));
        Assert.That(body, Does.Not.Contain("served-secret"), "the old credentials are not served past their margin");
    }

    [Test]
    public async Task After_the_command_the_port_stays_bound_and_answers_503()
    {
        _server.Close();

        var (status, body, _) = await SendAsync(HttpMethod.Get, token: _server.Token);

        Assert.That(status, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
        Assert.That(body, Does.Contain("has ended").And.Not.Contain("served-secret"));
        using var taker = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        Assert.That(() => taker.Bind(new IPEndPoint(IPAddress.Loopback, _server.Uri.Port)), Throws.InstanceOf<SocketException>(), "nobody else can bind the port");
    }

    [Test]
    public async Task It_keeps_answering_while_thousands_of_idle_connections_are_held()
    {
        var idle = new List<Socket>();
        try
        {
            for (var i = 0; i < 3000; i++)
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                idle.Add(socket);
                await socket.ConnectAsync(IPAddress.Loopback, _server.Uri.Port);
                await socket.SendAsync(Encoding.ASCII.GetBytes("GET /awsmfa"), SocketFlags.None);
            }

            var answered = 0;
            for (var i = 0; i < 20; i++)
            {
                if ((await SendAsync(HttpMethod.Get, token: _server.Token)).Status == HttpStatusCode.OK)
                {
                    answered++;
                }
            }

            Assert.That(answered, Is.EqualTo(20));
            Assert.That(_server.OpenConnections, Is.LessThanOrEqualTo(2 * CredentialsServer.MaxConnections), "the cap, with its grace for connections just accepted");
        }
        finally
        {
            foreach (var socket in idle)
            {
                socket.Dispose();
            }
        }
    }

    [Test]
    [Platform("Linux")]
    public async Task A_connection_reaches_the_endpoint_only_with_its_first_bytes_so_a_slow_real_client_is_never_dropped()
    {
        // Connected, and nothing sent yet (a client descheduled between connect and send).
        using var slow = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await slow.ConnectAsync(IPAddress.Loopback, _server.Uri.Port);
        await Task.Delay(300);

        Assert.That(_server.OpenConnections, Is.Zero, "held by the kernel (TCP_DEFER_ACCEPT), so no flood of newcomers can drop it");
        await slow.SendAsync(Encoding.ASCII.GetBytes($"GET {_server.Uri.AbsolutePath} HTTP/1.1\r\nHost: x\r\nAuthorization: {_server.Token}\r\n\r\n"), SocketFlags.None);
        var answer = new byte[4096];
        var read = await slow.ReceiveAsync(answer, SocketFlags.None).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.That(Encoding.ASCII.GetString(answer, 0, read), Does.StartWith("HTTP/1.1 200 OK"));
    }

    [Test]
    public async Task A_request_that_never_completes_is_closed_after_the_header_timeout()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(IPAddress.Loopback, _server.Uri.Port);
        await socket.SendAsync(Encoding.ASCII.GetBytes("GET / HTTP/1.1\r\nHost: x\r\n"), SocketFlags.None);
        var started = System.Diagnostics.Stopwatch.StartNew();

        var read = await socket.ReceiveAsync(new ArraySegment<byte>(new byte[16]), SocketFlags.None).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.That(read, Is.Zero, "closed without an answer");
        Assert.That(started.Elapsed, Is.GreaterThan(CredentialsServer.HeaderTimeout - TimeSpan.FromMilliseconds(200)).And.LessThan(CredentialsServer.HeaderTimeout + TimeSpan.FromSeconds(3)));
    }
}

/// <summary>What the command of <c>exec --server</c> sees: the endpoint, and nothing an SDK would try before it.</summary>
[TestFixture]
[Category("Unit")]
public sealed class ServerEnvironmentTests
{
    private static readonly ServedCredentials Served = new(
        StepIdentity.ForSessionToken("base", "AKIAIOSFODNN7EXAMPLE", "arn:aws:iam::123456789012:mfa/alice"),
        new SessionCredentials("ASIASERVED0000000001", "served-secret", "served-token", DateTimeOffset.UtcNow.AddHours(1)),
        FromCache: false);

    /// <summary>A caller's environment with PATH and <paramref name="names"/> set by the user.</summary>
    private static Support.FakeEnvironment Caller(params string[] names)
    {
        var environment = new Support.FakeEnvironment("/home/alice");
        foreach (var name in names)
        {
            environment[name] = "set-by-the-user";
        }

        environment["PATH"] = "/usr/bin";
        return environment;
    }

    [Test]
    public async Task Variables_that_would_shadow_the_endpoint_are_removed()
    {
        var environment = Caller("AWS_ROLE_ARN", "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_ROLE_SESSION_NAME", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", "AWS_CONTAINER_SOMETHING_NEW", "AWS_PROFILE", "AWS_ACCESS_KEY_ID");
        var served = Served;
        await using var endpoint = CredentialsServer.Start(_ => Task.FromResult(served), served, TimeProvider.System, TimeSpan.FromMinutes(5), new Reporter(TextWriter.Null, verbose: false));

        var child = Awsmfa.Cli.Exec.ExecHandler.ServerEnvironment(environment, served, new AwsTarget("eu-west-1", null, "base", AwsTarget.DefaultRequestTimeout), endpoint);

        Assert.That(child.Keys, Is.EquivalentTo(new[]
        {
            "PATH", "AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_CONTAINER_AUTHORIZATION_TOKEN", "AWS_SHARED_CREDENTIALS_FILE", "AWS_CONFIG_FILE",
            "AWS_REGION", "AWS_DEFAULT_REGION", "AWSMFA_SESSION",
        }));
        Assert.That(child["AWS_CONTAINER_AUTHORIZATION_TOKEN"], Is.EqualTo(endpoint.Token));
    }

    [Test]
    public void Plain_exec_gives_the_command_the_session_and_drops_web_identity_as_the_server_does()
    {
        var environment = Caller("AWS_ROLE_ARN", "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_ROLE_SESSION_NAME", "AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_PROFILE");

        var child = Awsmfa.Cli.Exec.ExecHandler.ChildEnvironment(environment, Served, new AwsTarget("eu-west-1", null, "base", AwsTarget.DefaultRequestTimeout));

        Assert.That(child.Keys, Has.None.StartWith("AWS_ROLE").And.None.EqualTo("AWS_WEB_IDENTITY_TOKEN_FILE").And.None.StartWith("AWS_CONTAINER_").And.None.EqualTo("AWS_PROFILE"));
        Assert.That(child["AWS_ACCESS_KEY_ID"], Is.EqualTo("ASIASERVED0000000001"));
    }
}
