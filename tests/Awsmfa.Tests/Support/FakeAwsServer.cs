using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text;
using System.Security;
using System.Web;

namespace Awsmfa.Tests.Support;

/// <summary>One STS call as <see cref="FakeAwsServer"/> saw it.</summary>
internal sealed record StsCall(string Action, string SignedBy, string? SerialNumber, string? TokenCode, string? RoleArn, bool WithSessionToken)
{
    /// <summary>GetFederationToken's Name.</summary>
    public string? FederatedName { get; init; }

    /// <summary>AssumeRoleWithWebIdentity's RoleSessionName.</summary>
    public string? RoleSessionName { get; init; }

    /// <summary>AssumeRoleWithWebIdentity's token.</summary>
    public string? WebIdentityToken { get; init; }
}

/// <summary>How <see cref="FakeAwsServer"/> answers.</summary>
public enum ServerBehaviour
{
    Answer,
    InternalError,
    Throttle,
    Hang,

    /// <summary>307 to another path on this server: a client that follows re-sends the form (and the code).</summary>
    Redirect307,

    /// <summary>302 to a path that answers a GET with credentials.</summary>
    Redirect302,

    /// <summary>Headers and half a body, then nothing.</summary>
    StallBody,

    /// <summary>An error status with a body that is not XML and is full of terminal escapes.</summary>
    EscapeGarbage,

    /// <summary>200 with a body that is not XML.</summary>
    NotXml,
}

/// <summary>
/// A loopback HTTP endpoint that answers STS and EC2 the way AWS does where moto cannot: it
/// rejects a reused MFA code, and can fail with HTTP 500, throttle, or accept and never answer.
/// </summary>
internal sealed class FakeAwsServer : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<string, int> _usedCodes = new();

    /// <summary>Makes STS reject <paramref name="code"/> as a wrong one (it answers as for a used code).</summary>
    public void RejectCode(string code) => _usedCodes[code] = 1;
    private readonly ConcurrentBag<TaskCompletionSource> _held = [];
    private int _sessions;

    public FakeAwsServer()
    {
        Url = Loopback.Start(_listener);
        _ = Task.Run(ServeAsync);
    }

    public string Url { get; }

    /// <summary>Every STS call, in order: the action, the access key that signed it, and its MFA parameters.</summary>
    public ConcurrentQueue<StsCall> Calls { get; } = new();

    public ServerBehaviour Mode { get; set; } = ServerBehaviour.Answer;

    /// <summary>Every request received, by action (retries included).</summary>
    public ConcurrentDictionary<string, int> Requests { get; } = new();

    /// <summary>GetSessionToken calls that produced a session.</summary>
    public int SessionsIssued => Volatile.Read(ref _sessions);

    public int RequestsFor(string action) => Requests.GetValueOrDefault(action);

    /// <summary>Requests that arrived at the redirect target (a client that follows redirects).</summary>
    public int RedirectsFollowed => Requests.GetValueOrDefault("redirected");

    /// <summary>When set, GetSessionToken answers these credentials instead of fresh ones (a hostile endpoint).</summary>
    public (string AccessKeyId, string Secret, string Token, string Expiration)? Credentials { get; set; }

    /// <summary>When set, DescribeInstances answers this reservation XML (a hostile endpoint).</summary>
    public string? ReservationSetXml { get; set; }

    /// <summary>EC2 calls signed for this region fail as for a region the account has not opted in to.</summary>
    public string? FailRegion { get; set; }

    /// <summary>What DescribeRegions answers.</summary>
    public List<string> Regions { get; } = ["ap-south-1", "eu-west-1", "us-east-1"];

    /// <summary>When set, every DescribeInstances page says there is a next one, with this token.</summary>
    public string? NextToken { get; set; }

    public void Dispose()
    {
        _stop.Cancel();
        foreach (var held in _held)
        {
            held.TrySetResult();
        }

        _listener.Close();
    }

    private async Task ServeAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            _ = Task.Run(() => HandleAsync(context));
        }
    }

    private async Task HandleAsync(HttpListenerContext context)
    {
        try
        {
            string body;
            using (var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8))
            {
                body = await reader.ReadToEndAsync();
            }

            if (ClockAhead != TimeSpan.Zero)
            {
                // Its own clock, as a server's Date header tells it.
                context.Response.Headers.Set("Date", (DateTime.UtcNow + ClockAhead).ToString("R", CultureInfo.InvariantCulture));
            }

            if (context.Request.Url?.AbsolutePath == "/federation")
            {
                await SignInAsync(context);
                return;
            }

            if (context.Request.Url?.AbsolutePath == "/redirected")
            {
                Requests.AddOrUpdate("redirected", 1, (_, n) => n + 1);
                await RespondAsync(context, 200, SessionXml("ASIAREDIRECTED000001", "RedirectedSecretValue1", "RedirectedToken", DateTime.UtcNow.AddHours(1)));
                return;
            }

            var form = HttpUtility.ParseQueryString(body);
            var action = form["Action"] ?? "?";
            Requests.AddOrUpdate(action, 1, (_, n) => n + 1);
            var isSts = action is "GetSessionToken" or "AssumeRole" or "AssumeRoleWithWebIdentity" or "GetFederationToken" or "GetCallerIdentity";
            switch (Mode)
            {
                case ServerBehaviour.Hang:
                    var held = new TaskCompletionSource();
                    _held.Add(held);
                    await held.Task;
                    context.Response.Abort();
                    return;
                case ServerBehaviour.InternalError:
                    await RespondAsync(context, 500, Error(isSts, "InternalFailure", "We encountered an internal error. Please try again."));
                    return;
                case ServerBehaviour.Throttle:
                    await RespondAsync(context, 400, Error(isSts, isSts ? "Throttling" : "RequestLimitExceeded", "Rate exceeded"));
                    return;
                case ServerBehaviour.Redirect307 or ServerBehaviour.Redirect302:
                    context.Response.StatusCode = Mode == ServerBehaviour.Redirect307 ? 307 : 302;
                    context.Response.RedirectLocation = Url + "/redirected";
                    context.Response.ContentLength64 = 0;
                    context.Response.Close();
                    return;
                case ServerBehaviour.StallBody:
                    context.Response.StatusCode = 200;
                    context.Response.ContentType = "text/xml";
                    context.Response.ContentLength64 = 4096;
                    await context.Response.OutputStream.WriteAsync(Encoding.UTF8.GetBytes("<GetSessionTokenResponse>"));
                    await context.Response.OutputStream.FlushAsync();
                    var stalled = new TaskCompletionSource();
                    _held.Add(stalled);
                    await stalled.Task;
                    context.Response.Abort();
                    return;
                case ServerBehaviour.EscapeGarbage:
                    await RespondAsync(context, 403, "\u001b]0;pwned\u0007\u001b[2J\u009b31mAccess denied\r\nby \u001b[5mproxy", "text/plain");
                    return;
                case ServerBehaviour.NotXml:
                    await RespondAsync(context, 200, "{\"not\": \"xml\"}", "application/json");
                    return;
            }

            var signedFor = System.Text.RegularExpressions.Regex.Match(context.Request.Headers["Authorization"] ?? "", @"Credential=[^/]+/\d+/(?<region>[^/]+)/").Groups["region"].Value;
            if (!isSts && signedFor == FailRegion)
            {
                await RespondAsync(context, 401, Error(false, "OptInRequired", "You are not subscribed to this service. Please go to http://aws.amazon.com to subscribe."));
                return;
            }

            if (action == "DescribeRegions")
            {
                var items = string.Concat(Regions.Select(r => $"<item><regionName>{r}</regionName><regionEndpoint>ec2.{r}.amazonaws.com</regionEndpoint></item>"));
                await RespondAsync(context, 200, $"""<DescribeRegionsResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>r</requestId><regionInfo>{items}</regionInfo></DescribeRegionsResponse>""");
                return;
            }

            if (!isSts)
            {
                await RespondAsync(context, 200, $"""<DescribeInstancesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>r</requestId><reservationSet>{ReservationSetXml}</reservationSet>{(NextToken is null ? "" : $"<nextToken>{NextToken}</nextToken>")}</DescribeInstancesResponse>""");
                return;
            }

            // Strict as STS is: every call is recorded with the access key that signed it, and a
            // call that lacks what AWS requires is refused.
            var signer = System.Text.RegularExpressions.Regex.Match(context.Request.Headers["Authorization"] ?? "", @"Credential=(?<key>[A-Z0-9]+)/").Groups["key"].Value;
            Calls.Enqueue(new StsCall(action, signer, form["SerialNumber"], form["TokenCode"], form["RoleArn"], context.Request.Headers["X-Amz-Security-Token"] is not null) { FederatedName = form["Name"], RoleSessionName = action == "AssumeRoleWithWebIdentity" ? form["RoleSessionName"] : null, WebIdentityToken = form["WebIdentityToken"] });
            if (action == "GetSessionToken" && (string.IsNullOrEmpty(form["SerialNumber"]) || string.IsNullOrEmpty(form["TokenCode"])))
            {
                await RespondAsync(context, 400, Error(true, "ValidationError", "awsmfa's fake STS expects SerialNumber and TokenCode"));
                return;
            }

            if (action == "GetSessionToken" && signer.StartsWith("ASIA", StringComparison.Ordinal))
            {
                await RespondAsync(context, 403, Error(true, "AccessDenied", "Cannot call GetSessionToken with session credentials"));
                return;
            }

            var code = form["TokenCode"] ?? "";
            if (code.Length > 0 && _usedCodes.AddOrUpdate(code, 1, (_, n) => n + 1) > 1)
            {
                await RespondAsync(context, 403, Error(true, "AccessDenied", "MultiFactorAuthentication failed with invalid MFA one time pass code. "));
                return;
            }

            var n = Interlocked.Increment(ref _sessions);
            var seconds = int.Parse(form["DurationSeconds"] ?? "3600", CultureInfo.InvariantCulture);
            if (Credentials is { } fixedAnswer)
            {
                await RespondAsync(context, 200, SessionXml(fixedAnswer.AccessKeyId, fixedAnswer.Secret, fixedAnswer.Token, fixedAnswer.Expiration));
                return;
            }

            if (action == "GetCallerIdentity")
            {
                var (arn, user, account) = signer.StartsWith("ASIAFAKEROLE", StringComparison.Ordinal)
                    ? ("arn:aws:sts::210987654321:assumed-role/admin/awsmfa-alice", "AROAEXAMPLE:awsmfa-alice", "210987654321")
                    : ($"arn:aws:iam::123456789012:user/{CallerName}", "AIDAEXAMPLE", "123456789012");
                await RespondAsync(context, 200, $"""<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult><Arn>{arn}</Arn><UserId>{user}</UserId><Account>{account}</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></GetCallerIdentityResponse>""");
                return;
            }

            if (action == "GetFederationToken")
            {
                if (signer.StartsWith("ASIA", StringComparison.Ordinal))
                {
                    await RespondAsync(context, 403, Error(true, "AccessDenied", "Cannot call GetFederationToken with session credentials"));
                    return;
                }

                await RespondAsync(context, 200, SessionXml($"ASIAFEDERATED{n:D7}", $"FakeFederatedSecretPart{n}", $"FakeFederatedTokenPart{n}", DateTime.UtcNow.AddSeconds(seconds))
                    .Replace("GetSessionToken", "GetFederationToken", StringComparison.Ordinal));
                return;
            }

            if (action == "AssumeRoleWithWebIdentity")
            {
                // Unsigned, as STS takes it: the token is the proof.
                await RespondAsync(context, 200, SessionXml($"ASIAFAKEWEBID{n:D7}", $"FakeWebIdentitySecretPart{n}", $"FakeWebIdentityTokenPart{n}", DateTime.UtcNow.AddSeconds(seconds))
                    .Replace("GetSessionToken", "AssumeRoleWithWebIdentity", StringComparison.Ordinal));
                return;
            }

            if (action == "AssumeRole")
            {
                await RespondAsync(context, 200, SessionXml($"ASIAFAKEROLE{n:D8}", $"FakeRoleSecretPart{n}", $"FakeRoleTokenPart{n}", DateTime.UtcNow.AddSeconds(seconds))
                    .Replace("GetSessionToken", "AssumeRole", StringComparison.Ordinal));
                return;
            }

            await RespondAsync(context, 200, SessionXml($"ASIAFAKESESSION{n:D5}", $"FakeSessionSecretPart{n}", $"FakeSessionTokenPart{n}", DateTime.UtcNow.AddSeconds(seconds)));
        }
        catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException or IOException)
        {
        }
    }

    /// <summary>How far this server's clock (its Date header) is ahead of the machine's.</summary>
    public TimeSpan ClockAhead { get; set; }

    /// <summary>The federation endpoint refuses every session (a revoked role, a disabled sign-in).</summary>
    public bool RefuseSignIn { get; set; }

    /// <summary>The IAM user GetCallerIdentity names.</summary>
    public string CallerName { get; set; } = "alice";

    /// <summary>Every getSigninToken request: the session's access key id and the SessionDuration asked.</summary>
    public ConcurrentQueue<(string SessionId, string? SessionDuration)> SignIns { get; } = new();

    /// <summary>
    /// The console federation endpoint as AWS runs it: getSigninToken takes role and federation
    /// credentials (here: ASIAFAKEROLE…, ASIAFAKEWEBID…, ASIAFEDERATED…) and refuses an MFA session's
    /// (ASIAFAKESESSION…, as AWS refuses GetSessionToken credentials) and SessionDuration with
    /// federation credentials.
    /// </summary>
    private async Task SignInAsync(HttpListenerContext context)
    {
        var query = HttpUtility.ParseQueryString(context.Request.Url!.Query);
        Requests.AddOrUpdate("getSigninToken", 1, (_, n) => n + 1);
        var session = System.Text.Json.JsonDocument.Parse(query["Session"] ?? "{}").RootElement;
        var id = session.TryGetProperty("sessionId", out var value) ? value.GetString() ?? "" : "";
        SignIns.Enqueue((id, query["SessionDuration"]));
        var ok = !RefuseSignIn && query["Action"] == "getSigninToken"
            && (id.StartsWith("ASIAFAKEROLE", StringComparison.Ordinal) || id.StartsWith("ASIAFAKEWEBID", StringComparison.Ordinal) || (id.StartsWith("ASIAFEDERATED", StringComparison.Ordinal) && query["SessionDuration"] is null))
            && session.TryGetProperty("sessionKey", out _) && session.TryGetProperty("sessionToken", out _);
        await RespondAsync(context, ok ? 200 : 400, ok ? "{\"SigninToken\":\"FAKE-SIGNIN-TOKEN-0123456789\"}" : "<html>Invalid session</html>", ok ? "application/json" : "text/html");
    }

    private static string SessionXml(string accessKeyId, string secret, string token, DateTime expiration) =>
        SessionXml(accessKeyId, secret, token, expiration.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));

    private static string SessionXml(string accessKeyId, string secret, string token, string expiration) => $"""
        <GetSessionTokenResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
          <GetSessionTokenResult>
            <Credentials>
              <AccessKeyId>{SecurityElement.Escape(accessKeyId)}</AccessKeyId>
              <SecretAccessKey>{SecurityElement.Escape(secret)}</SecretAccessKey>
              <SessionToken>{SecurityElement.Escape(token)}</SessionToken>
              <Expiration>{expiration}</Expiration>
            </Credentials>
          </GetSessionTokenResult>
          <ResponseMetadata><RequestId>req-1</RequestId></ResponseMetadata>
        </GetSessionTokenResponse>
        """;

    private static string Error(bool sts, string code, string message) => sts
        ? $"""<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>{code}</Code><Message>{message}</Message></Error><RequestId>req-error</RequestId></ErrorResponse>"""
        : $"""<Response><Errors><Error><Code>{code}</Code><Message>{message}</Message></Error></Errors><RequestID>req-error</RequestID></Response>""";

    private static async Task RespondAsync(HttpListenerContext context, int status, string xml, string contentType = "text/xml")
    {
        var bytes = Encoding.UTF8.GetBytes(xml);
        context.Response.StatusCode = status;
        context.Response.ContentType = contentType;
        context.Response.ContentLength64 = bytes.Length;
        await context.Response.OutputStream.WriteAsync(bytes);
        context.Response.Close();
    }
}
