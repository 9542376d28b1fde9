//! A manager's and an admin's view across accounts: accounts by owner, the
//! team's overdue items, and the facts that say which accounts are at risk.
//! Each answer is one statement, whatever the number of accounts.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::PgPool;

use super::accounts::{VISIBLE, VISIBLE_WITH, Viewer};
use super::actions::{ActionItem, FROM_JOINS, SELECT_COLUMNS};

/// Whether anyone reports to this person.
pub async fn manages_anyone(pool: &PgPool, user_id: i64) -> sqlx::Result<bool> {
    sqlx::query_scalar("select exists (select 1 from app_user where manager_id = $1)")
        .bind(user_id)
        .fetch_one(pool)
        .await
}

/// An account in a team's list, with its owner.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct OwnedAccount {
    pub account_id: i64,
    pub name: String,
    pub rank: i16,
    pub renewal_date: Option<NaiveDate>,
    pub owner_id: Option<i64>,
    pub owner_name: Option<String>,
    pub open_total: i64,
    pub overdue_total: i64,
    /// The active plan's health, explained (none without an active plan).
    #[sqlx(skip)]
    pub health: Option<crate::domain::review::HealthLine>,
}

/// A page of the accounts the viewer may see, by owner (name), then rank
/// and name, skipping the first `offset`; and how many there are in all.
pub async fn accounts_by_owner(
    pool: &PgPool,
    viewer: Viewer,
    today: NaiveDate,
    offset: i64,
    limit: i64,
) -> sqlx::Result<(Vec<OwnedAccount>, i64)> {
    #[derive(sqlx::FromRow)]
    struct Row {
        #[sqlx(flatten)]
        account: OwnedAccount,
        total: i64,
    }
    let rows: Vec<Row> = sqlx::query_as(&format!(
        "{VISIBLE_WITH}, \
         seen as (select a.account_id, a.name, a.rank, a.renewal_date, count(*) over () as total \
                  from account a where {VISIBLE}), \
         owned as (select s.*, o.user_id as owner_id, nullif(u.display_name, '') as owner_name \
                   from seen s left join account_team o on o.account_id = s.account_id and o.role = 'owner' \
                   left join app_user u on u.user_id = o.user_id \
                   order by u.display_name nulls last, o.user_id, s.rank, s.name, s.account_id offset $5 limit $4) \
         select owned.*, \
                (select count(*) from action_item i where i.account_id = owned.account_id and i.status = 'open') as open_total, \
                (select count(*) from action_item i where i.account_id = owned.account_id and i.status = 'open' \
                   and i.due_date < $3) as overdue_total \
         from owned order by owner_name nulls last, owner_id, rank, name"
    ))
    .bind(viewer.user_id)
    .bind(viewer.is_admin)
    .bind(today)
    .bind(limit)
    .bind(offset)
    .fetch_all(pool)
    .await?;
    let total = match rows.first() {
        Some(row) => row.total,
        // Past the last page: still say how many there are.
        None if offset > 0 => Box::pin(accounts_by_owner(pool, viewer, today, 0, 1)).await?.1,
        None => 0,
    };
    let mut accounts: Vec<OwnedAccount> = rows.into_iter().map(|row| row.account).collect();
    let ids: Vec<i64> = accounts.iter().map(|a| a.account_id).collect();
    let mut conn = pool.acquire().await?;
    let mut health = super::review::health_lines(&mut conn, &ids, 1).await?;
    for account in &mut accounts {
        account.health = health.remove(&account.account_id);
    }
    Ok((accounts, total))
}

/// An overdue item, with how many overdue items its owner has in all.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct TeamItem {
    #[sqlx(flatten)]
    pub item: ActionItem,
    pub owner_total: i64,
}

/// A page of the team's open items that were due before `today`: those on
/// the accounts whose team holds the person or anyone who reports to them
/// (directly or up the chain), whoever owns them, and those owned by the
/// person or their reports on any account the person may see. By owner
/// (the person first), then due date; and how many there are in all. An
/// admin's admin role does not widen this to every account: it is a team view.
pub async fn team_overdue(pool: &PgPool, viewer: Viewer, today: NaiveDate, limit: i64) -> sqlx::Result<(Vec<TeamItem>, i64)> {
    #[derive(sqlx::FromRow)]
    struct Row {
        #[sqlx(flatten)]
        item: TeamItem,
        total: i64,
    }
    let rows: Vec<Row> = sqlx::query_as(&format!(
        "{VISIBLE_WITH} {SELECT_COLUMNS}, count(*) over (partition by i.owner_id) as owner_total, count(*) over () as total \
         {FROM_JOINS} \
         where i.status = 'open' and i.due_date < $3 and {VISIBLE} \
           and (i.owner_id in (select user_id from reports) \
                or exists (select 1 from account_team t where t.account_id = i.account_id \
                           and t.user_id in (select user_id from reports))) \
         order by i.owner_id <> $1, u.display_name, i.owner_id, i.due_date, i.action_item_id limit $4"
    ))
    .bind(viewer.user_id)
    .bind(viewer.is_admin)
    .bind(today)
    .bind(limit)
    .fetch_all(pool)
    .await?;
    let total = rows.first().map_or(0, |row| row.total);
    Ok((rows.into_iter().map(|row| row.item).collect(), total))
}

/// Which accounts' facts to gather.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Every account the viewer may see.
    Visible(Viewer),
    /// The accounts whose team the person is on.
    OnTeam(i64),
}

/// What an account's risk and its "what next" are read from.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct AccountFacts {
    pub account_id: i64,
    pub name: String,
    pub rank: i16,
    pub renewal_date: Option<NaiveDate>,
    pub owner_id: Option<i64>,
    pub owner_name: Option<String>,
    pub has_active_plan: bool,
    /// When the active plan's sections last changed.
    pub sections_changed_at: Option<DateTime<Utc>>,
    /// High-influence contacts still at the company.
    pub high_influence: i64,
    pub high_detractors: i64,
    /// Champions and economic buyers who left in the last 180 days.
    pub departed_sponsors: Vec<String>,
    pub open_items: i64,
    pub overdue_items: i64,
    /// When the person last looked at the account before this sitting, if ever.
    pub last_look: Option<DateTime<Utc>>,
    /// Sponsor changes observed, and intel items published, since the last
    /// look (or in the last week).
    pub sponsor_changes: i64,
    pub new_intel: i64,
}

/// The facts of every account in `scope`, in one statement. `user_id` is
/// whose looks count (see [`crate::domain::since::last_look`]).
pub async fn account_facts(pool: &PgPool, scope: Scope, today: NaiveDate, now: DateTime<Utc>) -> sqlx::Result<Vec<AccountFacts>> {
    let (viewer, team_only) = match scope {
        Scope::Visible(viewer) => (viewer, false),
        Scope::OnTeam(user_id) => (Viewer { user_id, is_admin: false }, true),
    };
    sqlx::query_as(&format!(
        "{VISIBLE_WITH}, \
         seen as (select a.account_id, a.name, a.rank, a.renewal_date from account a \
                  where {VISIBLE} and (not $3 or exists (select 1 from account_team t \
                        where t.account_id = a.account_id and t.user_id = $1))), \
         plans as (select p.account_id, max(p.sections_changed_at) as sections_changed_at \
                   from plan p join seen using (account_id) where p.status = 'active' group by p.account_id), \
         people as (select c.account_id, \
                      count(*) filter (where c.influence = 'high' and c.departed_at is null) as high_influence, \
                      count(*) filter (where c.influence = 'high' and c.departed_at is null \
                                         and c.sentiment = 'detractor') as high_detractors, \
                      coalesce(array_agg(c.name order by c.departed_at desc) filter (where c.departed_at > $5 - interval '180 days' \
                               and c.buying_role in ('champion', 'economic_buyer')), '{{}}') as departed_sponsors \
                    from contact c join seen using (account_id) group by c.account_id), \
         items as (select i.account_id, count(*) as open_items, count(*) filter (where i.due_date < $4) as overdue_items \
                   from action_item i join seen using (account_id) where i.status = 'open' group by i.account_id), \
         looks as (select v.account_id, \
                     case when v.viewed_at <= $5 - make_interval(mins => $6) then v.viewed_at \
                          else v.previous_viewed_at end as last_look \
                   from account_view v join seen using (account_id) where v.user_id = $1), \
         since as (select s.account_id, l.last_look, coalesce(l.last_look, $5 - interval '7 days') as since \
                   from seen s left join looks l using (account_id)), \
         moves as (select c.account_id, count(*) as sponsor_changes \
                   from sponsor_change m join contact c using (contact_id) join since w using (account_id) \
                   where m.observed_at > w.since group by c.account_id), \
         news as (select n.account_id, count(*) as new_intel \
                  from intel_item n join since w using (account_id) \
                  where n.published_at > w.since and n.published_at <= $5 group by n.account_id) \
         select s.account_id, s.name, s.rank, s.renewal_date, o.user_id as owner_id, nullif(u.display_name, '') as owner_name, \
                p.account_id is not null as has_active_plan, p.sections_changed_at, \
                coalesce(pe.high_influence, 0) as high_influence, coalesce(pe.high_detractors, 0) as high_detractors, \
                coalesce(pe.departed_sponsors, '{{}}') as departed_sponsors, \
                coalesce(it.open_items, 0) as open_items, coalesce(it.overdue_items, 0) as overdue_items, \
                w.last_look, coalesce(mv.sponsor_changes, 0) as sponsor_changes, coalesce(nw.new_intel, 0) as new_intel \
         from seen s \
         left join account_team o on o.account_id = s.account_id and o.role = 'owner' \
         left join app_user u on u.user_id = o.user_id \
         left join plans p on p.account_id = s.account_id \
         left join people pe on pe.account_id = s.account_id \
         left join items it on it.account_id = s.account_id \
         left join since w on w.account_id = s.account_id \
         left join moves mv on mv.account_id = s.account_id \
         left join news nw on nw.account_id = s.account_id \
         order by s.rank, s.name"
    ))
    .bind(viewer.user_id)
    .bind(viewer.is_admin)
    .bind(team_only)
    .bind(today)
    .bind(now)
    .bind(crate::domain::since::SITTING_MINUTES as i32)
    .fetch_all(pool)
    .await
}
