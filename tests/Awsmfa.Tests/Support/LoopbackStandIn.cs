using System.Net;
using System.Text;

namespace Awsmfa.Tests.Support;

/// <summary>
/// What the stand-in services share: HttpListener on a free loopback port, each request answered
/// on its own task with its body read, until disposed.
/// </summary>
internal abstract class LoopbackStandIn : IDisposable
{
    private readonly HttpListener _listener = new();

    protected LoopbackStandIn()
    {
        Url = Loopback.Start(_listener);
        _ = Task.Run(ServeAsync);
    }

    public string Url { get; }

    /// <summary>Answers one request; <paramref name="body"/> is its body as UTF-8 text.</summary>
    protected abstract void Answer(HttpListenerContext context, string body);

    private async Task ServeAsync()
    {
        while (true)
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

            _ = Task.Run(() =>
            {
                string body;
                using (var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8))
                {
                    body = reader.ReadToEnd();
                }

                Answer(context, body);
            });
        }
    }

    public virtual void Dispose() => _listener.Close();

    /// <summary>A <c>BROWSER</c> for the tool: a script that follows the URL (and its redirects) as a browser would, its page kept in $HOME/browser.out.</summary>
    public static void FollowingBrowser(Integration.ToolProcess tool)
    {
        var browser = Path.Combine(tool.Home, "browser");
        File.WriteAllText(browser, "#!/bin/sh\nexec python3 -c 'import sys, urllib.request; print(urllib.request.urlopen(sys.argv[1]).read().decode())' \"$1\" > \"$HOME/browser.out\" 2>&1\n");
        File.SetUnixFileMode(browser, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        tool.Environment["BROWSER"] = browser;
    }
}
