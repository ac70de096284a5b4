namespace Awsmfa.Aws;

/// <summary>Bounds one AWS call, every attempt included, whatever the SDK or the endpoint does.</summary>
internal static class AwsCall
{
    public static async Task<T> RunAsync<T>(AwsTarget target, Func<CancellationToken, Task<T>> call, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(target.CallDeadline);
        try
        {
            // WaitAsync as well as the token: a call blocked in a read that ignores the token
            // must still give the user back the prompt.
            return await call(deadline.Token).WaitAsync(deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"no answer within {target.CallDeadline.TotalSeconds:0} s", e);
        }
    }
}
