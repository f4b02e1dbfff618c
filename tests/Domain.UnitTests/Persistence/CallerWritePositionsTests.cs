using Domain.Persistence.Replicas;
using Domain.Persistence.Rls;
using NpgsqlTypes;

namespace Domain.UnitTests.Persistence;

/// <summary>Read-your-writes bookkeeping: which callers must wait for the standby, and for how far.</summary>
public sealed class CallerWritePositionsTests
{
    private static readonly RlsClaims Alice = RlsClaims.ForUser(Guid.CreateVersion7());
    private static readonly RlsClaims Bob = RlsClaims.ForUser(Guid.CreateVersion7());

    [Fact]
    public void ACallerWhoNeverWrote_NeedsNothing()
    {
        Assert.Null(new CallerWritePositions().Unreplayed(Alice));
    }

    [Fact]
    public void AfterAWrite_TheCallerNeedsItsPositionUntilTheStandbyReplaysIt_AndOthersNeedNothing()
    {
        var positions = new CallerWritePositions();

        positions.Wrote(Alice, Lsn(100));

        Assert.Equal(Lsn(100), positions.Unreplayed(Alice));
        Assert.Null(positions.Unreplayed(Bob));
        positions.Replayed(Lsn(99));
        Assert.Equal(Lsn(100), positions.Unreplayed(Alice));
        positions.Replayed(Lsn(100));
        Assert.Null(positions.Unreplayed(Alice));
    }

    [Fact]
    public void PositionsOnlyGrow()
    {
        var positions = new CallerWritePositions();
        positions.Wrote(Alice, Lsn(200));
        positions.Wrote(Alice, Lsn(150));
        positions.Replayed(Lsn(190));
        positions.Replayed(Lsn(120));

        Assert.Equal(Lsn(200), positions.LastWriteOf(Alice));
        Assert.Equal(Lsn(190), positions.KnownReplayed);
        Assert.Equal(Lsn(200), positions.Unreplayed(Alice));
    }

    [Fact]
    public void AUserIsOneCallerWhateverRoleTheyActAs()
    {
        var id = Guid.CreateVersion7();
        var positions = new CallerWritePositions();

        positions.Wrote(RlsClaims.ForAdmin(id), Lsn(300));

        Assert.Equal(Lsn(300), positions.Unreplayed(RlsClaims.ForUser(id)));
        Assert.Null(positions.Unreplayed(RlsClaims.Service));
    }

    [Fact]
    public void TooManyCallers_AreForgotten_AndEveryCallerThenWaitsForTheNewestForgottenPosition()
    {
        var positions = new CallerWritePositions(maxCallers: 2);
        var carol = RlsClaims.ForUser(Guid.CreateVersion7());

        positions.Wrote(Alice, Lsn(10));
        positions.Wrote(Bob, Lsn(30));
        positions.Wrote(carol, Lsn(20));

        Assert.Null(positions.LastWriteOf(Bob));
        Assert.Equal(Lsn(30), positions.Unreplayed(Alice));
        Assert.Equal(Lsn(30), positions.Unreplayed(RlsClaims.Service));
        positions.Replayed(Lsn(30));
        Assert.Null(positions.Unreplayed(Alice));
    }

    [Fact]
    public void TooManyCallers_OnlyThoseTheStandbyCaughtUpWith_AreForgotten_WhenThatIsEnough()
    {
        var positions = new CallerWritePositions(maxCallers: 2);
        var carol = RlsClaims.ForUser(Guid.CreateVersion7());
        positions.Wrote(Alice, Lsn(10));
        positions.Wrote(Bob, Lsn(30));
        positions.Replayed(Lsn(15));

        positions.Wrote(carol, Lsn(40));

        Assert.Null(positions.LastWriteOf(Alice));
        Assert.Equal(Lsn(30), positions.Unreplayed(Bob));
        Assert.Null(positions.Unreplayed(RlsClaims.Service));
    }

    private static NpgsqlLogSequenceNumber Lsn(ulong value) => new(value);
}
