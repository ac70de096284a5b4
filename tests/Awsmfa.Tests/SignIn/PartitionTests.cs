using Awsmfa.SignIn;

namespace Awsmfa.Tests.SignIn;

[TestFixture]
[Category("Unit")]
public sealed class PartitionTests
{
    [TestCase("arn:aws:iam::123456789012:role/admin", "cn-north-1", "aws")]
    [TestCase("arn:aws-cn:iam::123456789012:role/admin", null, "aws-cn")]
    [TestCase("arn:aws-us-gov:iam::123456789012:role/admin", null, "aws-us-gov")]
    [TestCase(null, "cn-northwest-1", "aws-cn")]
    [TestCase(null, "us-gov-west-1", "aws-us-gov")]
    [TestCase(null, "eu-west-1", "aws")]
    [TestCase(null, null, "aws")]
    public void The_partition_comes_from_the_role_arn_else_the_region(string? roleArn, string? region, string partition)
    {
        Assert.That(Partition.For(roleArn, region).Name, Is.EqualTo(partition));
    }

    [Test]
    public void Each_partition_has_its_own_sign_in_and_console_hosts()
    {
        Assert.That(Partition.China.SignInEndpoint.AbsoluteUri, Is.EqualTo("https://signin.amazonaws.cn/federation"));
        Assert.That(Partition.China.Destination("cn-north-1", "ec2", null).AbsoluteUri, Is.EqualTo("https://cn-north-1.console.amazonaws.cn/ec2/home?region=cn-north-1"));
        Assert.That(Partition.GovCloud.Destination(null, null, null).AbsoluteUri, Is.EqualTo("https://console.amazonaws-us-gov.com/console/home"));
        Assert.That(Partition.Aws.Destination("eu-west-1", null, "/iam/home?x=1").AbsoluteUri, Is.EqualTo("https://eu-west-1.console.aws.amazon.com/iam/home?x=1&region=eu-west-1"));
        Assert.That(Partition.Aws.Destination("eu-central-1", null, "/ec2/home#Instances:").AbsoluteUri, Is.EqualTo("https://eu-central-1.console.aws.amazon.com/ec2/home?region=eu-central-1#Instances:"), "the region before the fragment");
    }

    [Test]
    public void The_login_url_carries_destination_and_token_escaped()
    {
        var url = ConsoleSignIn.LoginUrl(Partition.Aws.SignInEndpoint, "to/ken+1", new Uri("https://eu-west-1.console.aws.amazon.com/ec2/home?region=eu-west-1"));

        Assert.That(url.AbsoluteUri, Is.EqualTo("https://signin.aws.amazon.com/federation?Action=login&Issuer=awsmfa&Destination=https%3A%2F%2Feu-west-1.console.aws.amazon.com%2Fec2%2Fhome%3Fregion%3Deu-west-1&SigninToken=to%2Fken%2B1"));
    }
}
