using Domain.Persistence.RowLevelSecurity;
using Microsoft.EntityFrameworkCore;

namespace Domain.UnitTests.Persistence;

/// <summary>
/// A declaration is one canonical text: the same declaration written in another order reads the same, every text it
/// writes reads back as itself, and what cannot be a policy shape is refused where it is declared.
/// </summary>
public sealed class RowLevelSecurityDeclarationTests
{
    [Fact]
    public void HasRowLevelSecurity_ColumnsInAnyOrder_GiveTheSameSortedText()
    {
        var one = Declare(rls => rls.OwnedBy(n => n.UserId).Commands(RowCommands.All)
            .InsertColumns(n => new { n.Id, n.UserId, n.Text }).UpdateColumns(n => new { n.Text, n.Pinned }));
        var other = Declare(rls => rls.OwnedBy(n => n.UserId).Commands(RowCommands.All)
            .InsertColumns(nameof(Note.Text), nameof(Note.UserId), nameof(Note.Id), nameof(Note.Text)).UpdateColumns(nameof(Note.Pinned), nameof(Note.Text)));

        Assert.Equal(one, other);
        Assert.Equal("owned-rows; owner=UserId; commands=select,insert,update,delete; insert=Id,Text,UserId; update=Pinned,Text", one);
    }

    [Theory]
    [InlineData("owned-rows; owner=user_id; commands=select,insert,update,delete; insert=id,user_id; update=title")]
    [InlineData("owned-rows; owner=user_id; commands=select,insert")]
    [InlineData("ledger; owner=user_id")]
    [InlineData("shared-reference-data; commands=select,update; update=body")]
    [InlineData("ledger; owner=owner_id; appended-by=triggers")]
    public void Parse_ReadsBackEveryCanonicalText(string text)
    {
        var declaration = RowLevelSecurityDeclaration.Parse(text);

        Assert.Equal(text, declaration.ToString());
        Assert.Equal(declaration, RowLevelSecurityDeclaration.Parse(declaration.ToString()));
    }

    [Fact]
    public void Parse_ReadsTheParts()
    {
        var declaration = RowLevelSecurityDeclaration.Parse("owned-rows; owner=user_id; commands=select,insert,update; update=a,b");

        Assert.Equal(RowLevelSecurityShape.OwnedRows, declaration.Shape);
        Assert.Equal("user_id", declaration.Owner);
        Assert.Equal(RowCommands.Select | RowCommands.Insert | RowCommands.Update, declaration.Commands);
        Assert.Null(declaration.InsertColumns);
        Assert.Equal(["a", "b"], declaration.UpdateColumns);
    }

    [Theory]
    [InlineData("owned-rows; owner=user_id; commands=insert,select")]
    [InlineData("owned-rows; owner=user_id; commands=select; update=b,a")]
    [InlineData("owned-rows; commands=select")]
    [InlineData("owned-rows; owner=user_id; commands=select,truncate")]
    [InlineData("owned-rows; owner=user id; commands=select")]
    [InlineData("ledger; owner=user_id; commands=select,insert")]
    [InlineData("public-rows; owner=user_id")]
    [InlineData("ledger; owner=user_id; extra=1")]
    [InlineData("owned-rows; owner=user_id; appended-by=triggers; commands=select")]
    [InlineData("owned-rows; owner=user_id; commands=select; appended-by=triggers")]
    [InlineData("ledger; appended-by=triggers; owner=user_id")]
    public void Parse_RefusesWhatIsNotACanonicalDeclaration(string text)
    {
        Assert.Throws<FormatException>(() => RowLevelSecurityDeclaration.Parse(text));
    }

    [Fact]
    public void HasRowLevelSecurity_OwnedRowsThatOwnersCannotRead_IsRefused()
    {
        var ex = Assert.Throws<InvalidOperationException>(() => Declare(rls => rls.OwnedBy(n => n.UserId).Commands(RowCommands.Insert)));

        Assert.Contains("Select", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void HasRowLevelSecurity_InsertColumnsWithoutTheOwner_AreRefused()
    {
        var ex = Assert.Throws<InvalidOperationException>(
            () => Declare(rls => rls.OwnedBy(n => n.UserId).InsertColumns(n => new { n.Id, n.Text })));

        Assert.Contains("UserId", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void HasRowLevelSecurity_ColumnsForACommandNotGranted_AreRefused()
    {
        Assert.Throws<InvalidOperationException>(
            () => Declare(rls => rls.OwnedBy(n => n.UserId).Commands(RowCommands.AppendOnly).UpdateColumns(n => n.Text)));
    }

    [Fact]
    public void HasRowLevelSecurity_ALedgerWithCommands_IsRefused()
    {
        Assert.Throws<InvalidOperationException>(() => Declare(rls => rls.LedgerOwnedBy(n => n.UserId).Commands(RowCommands.All)));
    }

    [Fact]
    public void HasRowLevelSecurity_TwoShapes_AreRefused()
    {
        Assert.Throws<InvalidOperationException>(() => Declare(rls => rls.OwnedBy(n => n.UserId).SharedReferenceData()));
    }

    [Fact]
    public void HasRowLevelSecurity_NoShape_IsRefused()
    {
        Assert.Throws<InvalidOperationException>(() => Declare(rls => rls.Commands(RowCommands.All)));
    }

    [Fact]
    public void GetRowLevelSecurity_ReadsTheDeclarationBack()
    {
        var builder = new ModelBuilder();
        builder.Entity<Note>().HasRowLevelSecurity(rls => rls.SharedReferenceData().Commands(RowCommands.Select | RowCommands.Update));

        var declaration = builder.Model.FindEntityType(typeof(Note))!.GetRowLevelSecurity();

        Assert.NotNull(declaration);
        Assert.Equal(RowLevelSecurityShape.SharedReferenceData, declaration.Shape);
        Assert.Null(declaration.Owner);
    }

    private static string Declare(Action<RowLevelSecurityBuilder<Note>> declare)
    {
        var builder = new ModelBuilder();
        builder.Entity<Note>().HasRowLevelSecurity(declare);
        return (string)builder.Model.FindEntityType(typeof(Note))![RowLevelSecurityAnnotationNames.Declaration]!;
    }

    private sealed class Note
    {
        public Guid Id { get; set; }

        public Guid UserId { get; set; }

        public string Text { get; set; } = string.Empty;

        public bool Pinned { get; set; }
    }

    [Fact]
    public void ALedgerAppendedOnlyByTriggers_GrantsNoRoleInsert_NotEvenTheServiceRole()
    {
        var triggersOnly = RowLevelSecurityObjects.For(RowLevelSecurityDeclaration.Parse("ledger; owner=owner_id; appended-by=triggers"), c => c);
        var backend = RowLevelSecurityObjects.For(RowLevelSecurityDeclaration.Parse("ledger; owner=user_id"), c => c);

        Assert.All(triggersOnly.Grants.Values, privileges => Assert.Equal(["SELECT"], privileges.Select(p => p.Command)));
        Assert.Equal(["SELECT", "INSERT"], backend.Grants["service_role"].Select(p => p.Command));
        Assert.Equal(backend.Policies.Select(p => p.Name), triggersOnly.Policies.Select(p => p.Name));
    }
}
