//! Accounts, their teams, and who may see them.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::{PgConnection, PgPool};

use crate::domain::enums::TeamRole;
use crate::domain::account_index::AccountKey;
use crate::domain::names::match_key;

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct Account {
    pub account_id: i64,
    pub name: String,
    pub external_id: Option<String>,
    pub rank: i16,
    pub rank_notes: String,
    pub tier: String,
    pub industry: String,
    pub annual_spend: Option<i64>,
    pub renewal_date: Option<NaiveDate>,
    pub slack_channel: Option<String>,
}

#[cfg(test)]
impl Account {
    /// An account with nothing but its id and name, for unit tests.
    pub fn example(account_id: i64, name: &str) -> Self {
        Account {
            account_id,
            name: name.into(),
            external_id: None,
            rank: 1,
            rank_notes: String::new(),
            tier: String::new(),
            industry: String::new(),
            annual_spend: None,
            renewal_date: None,
            slack_channel: None,
        }
    }
}

const COLUMNS: &str = "account_id, name, external_id, rank, rank_notes, tier, industry, \
    annual_spend, renewal_date, slack_channel";

/// An account's id and name: enough to list it or offer it as a choice.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct AccountRef {
    pub account_id: i64,
    pub name: String,
}

#[derive(Debug, Clone, Default)]
pub struct NewAccount {
    pub name: String,
    pub external_id: Option<String>,
    pub rank: i16,
    pub rank_notes: String,
    pub tier: String,
    pub industry: String,
    pub annual_spend: Option<i64>,
    pub renewal_date: Option<NaiveDate>,
    pub slack_channel: Option<String>,
    pub owner_id: i64,
}

/// Who is looking: visibility follows the team, the management chain and
/// the admin role.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Viewer {
    pub user_id: i64,
    pub is_admin: bool,
}

/// The rule of who sees an account: admins see all; others see accounts
/// whose team holds them or anyone who reports to them, directly or up the
/// chain. [`VISIBLE_WITH`] opens a query (the viewer in `$1`, their admin flag
/// in `$2`) and [`VISIBLE`] is the predicate on `a.account_id`; the chain is
/// walked once per query, not once per account.
pub(super) const VISIBLE_WITH: &str = "with recursive reports (user_id) as ( \
        select $1::bigint \
        union \
        select u.user_id from app_user u join reports r on u.manager_id = r.user_id)";
pub(super) const VISIBLE: &str = "($2 or exists (select 1 from account_team t \
        where t.account_id = a.account_id and t.user_id in (select user_id from reports)))";

/// Creates an account with its owner, in the caller's transaction.
pub async fn create(conn: &mut PgConnection, new: &NewAccount) -> sqlx::Result<Account> {
    let account: Account = sqlx::query_as(&format!(
        "insert into account (name, match_key, external_id, rank, rank_notes, tier, industry, \
            annual_spend, renewal_date, slack_channel) \
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) returning {COLUMNS}"
    ))
    .bind(new.name.trim())
    .bind(match_key(&new.name))
    .bind(&new.external_id)
    .bind(new.rank)
    .bind(&new.rank_notes)
    .bind(&new.tier)
    .bind(&new.industry)
    .bind(new.annual_spend)
    .bind(new.renewal_date)
    .bind(&new.slack_channel)
    .fetch_one(&mut *conn)
    .await?;
    add_to_team(conn, account.account_id, new.owner_id, TeamRole::Owner).await?;
    Ok(account)
}

/// Seats a person on an account team (again: nothing happens). A second
/// owner is refused by the database (`account_team_one_owner_key`).
pub async fn add_to_team(conn: &mut PgConnection, account_id: i64, user_id: i64, role: TeamRole) -> sqlx::Result<()> {
    sqlx::query("insert into account_team (account_id, user_id, role) values ($1, $2, $3) \
         on conflict (account_id, user_id, role) do nothing")
        .bind(account_id)
        .bind(user_id)
        .bind(role)
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn by_id(pool: &PgPool, account_id: i64) -> sqlx::Result<Option<Account>> {
    sqlx::query_as(&format!("select {COLUMNS} from account where account_id = $1"))
        .bind(account_id)
        .fetch_optional(pool)
        .await
}

/// The account a viewer asked for by id, or `None` when it does not exist
/// or they may not see it: the two answers must look the same.
pub async fn visible_by_id(pool: &PgPool, viewer: Viewer, account_id: i64) -> sqlx::Result<Option<Account>> {
    sqlx::query_as(&format!("{VISIBLE_WITH} select {COLUMNS} from account a where {VISIBLE} and a.account_id = $3"))
        .bind(viewer.user_id)
        .bind(viewer.is_admin)
        .bind(account_id)
        .fetch_optional(pool)
        .await
}

/// A caller, the accounts they may see by one exact name, (when asked for,
/// and exactly one account was found) its newest item with the asked title
/// added since the asked time, and the item added at once when that was
/// asked for and nothing stood in the way.
#[derive(Debug, Clone)]
pub struct CallerView {
    pub user: super::users::User,
    pub accounts: Vec<Account>,
    pub recent_item_id: Option<i64>,
    pub added: Option<super::actions::ActionItem>,
    /// The active plan of the one account found (`None` when there is none,
    /// or more than one account was found).
    pub active_plan_id: Option<i64>,
    /// The access epoch read in the same statement (see [`add_known`]): what
    /// the view says holds for as long as the epoch stays the same.
    pub epoch: i64,
}

/// Who asks, and what they may see by one exact name: a Slack user id,
/// whether planbot's configuration makes them an admin, and an account name
/// as typed.
#[derive(Debug, Clone)]
pub struct CallerQuery {
    pub slack_id: String,
    pub configured_admin: bool,
    pub name: String,
    /// An item title to look for on the account's active plan (where items
    /// are added), added at or after this time and not cancelled: the
    /// `/plan add` check for the same item added moments ago, answered by
    /// the same statement through the plan/title index.
    pub recent_title: Option<(String, DateTime<Utc>)>,
    /// Add the item with `recent_title`'s title, owned by the caller, in the
    /// same statement, when nothing stands in the way.
    pub add: Option<AddAtOnce>,
}

/// The item `/plan add` asks for, added by the statement that finds who asks
/// and the account, when exactly one account is found, it has an active
/// plan, no item with the same title was added there since the asked time,
/// and the caller's time zone is still the one the due date was read in.
/// Otherwise nothing is written and the caller decides (asks, or says why).
#[derive(Debug, Clone)]
pub struct AddAtOnce {
    pub due_date: Option<NaiveDate>,
    /// The time zone name the due date (and "today") was read in.
    pub read_in: String,
}

/// For each query: the person with that Slack id, and the accounts they may
/// see whose folded name is exactly the typed name's (`None` when nobody has
/// the Slack id), and the item added when asked for (see [`AddAtOnce`]),
/// audited as the caller's with `source` by the same statement (the
/// insert-audit trigger leaves that one statement alone: see the migration
/// `audit_written_by_the_adding_statement`). One statement for them all: a
/// `/plan add` that names an account as it is written learns who asks,
/// finds the account, checks for the same item added moments ago, and adds
/// the item in one round trip, one commit (see `app::batch`).
/// Visibility is read in the statement that writes, so someone who has just
/// lost access adds nothing. The statement runs with a plan made once for
/// any arguments (see [`crate::db::HotPath`]), so its joins are
/// written as index look-ups per asked row (the `limit 1` and `offset 0`
/// keep the planner from turning them into scans of every person).
pub async fn callers_and_exact(db: impl sqlx::PgExecutor<'_>, queries: &[CallerQuery], source: &str) -> sqlx::Result<Vec<Option<CallerView>>> {
    use sqlx::{FromRow, Row};
    let slack_ids: Vec<&str> = queries.iter().map(|q| q.slack_id.as_str()).collect();
    let admins: Vec<bool> = queries.iter().map(|q| q.configured_admin).collect();
    let keys: Vec<String> = queries.iter().map(|q| match_key(&q.name)).collect();
    let titles: Vec<Option<&str>> = queries.iter().map(|q| q.recent_title.as_ref().map(|(title, _)| title.trim())).collect();
    let since: Vec<Option<DateTime<Utc>>> = queries.iter().map(|q| q.recent_title.as_ref().map(|(_, since)| *since)).collect();
    let adding: Vec<bool> = queries.iter().map(|q| q.add.is_some() && q.recent_title.is_some()).collect();
    let due_dates: Vec<Option<NaiveDate>> = queries.iter().map(|q| q.add.as_ref().and_then(|add| add.due_date)).collect();
    let read_in: Vec<Option<&str>> = queries.iter().map(|q| q.add.as_ref().map(|add| add.read_in.as_str())).collect();
    // A statement that adds nothing leaves out the inserts: an insert that
    // inserts no row would still fire the insert-audit trigger once.
    let adding_ctes = if adding.contains(&true) {
        "added as ( \
             insert into action_item (plan_id, account_id, title, owner_id, due_date, created_by) \
             select f.active_plan_id, f.account_id, me.wanted_title, me.user_id, me.due, me.user_id \
             from me join found f on f.ord = me.ord, \
                  (select set_config('planbot.audit_written', statement_timestamp()::text, true)) as audit_here \
             where me.adding and f.matches = 1 and f.active_plan_id is not null and f.recent_item_id is null \
               and me.tz = me.read_in \
             order by me.ord \
             returning action_item_id, plan_id, account_id, title, due_date, status, snoozed_until, completed_at, created_by), \
         audited as ( \
             insert into audit (account_id, entity, entity_id, action, field, old_value, new_value, actor_id, actor_source) \
             select account_id, 'action_item', action_item_id, 'insert', null, null, title, created_by, $9 from added)"
    } else {
        "added as ( \
             select null::bigint as action_item_id, null::bigint as plan_id, null::bigint as account_id, null::text as title, \
                    null::date as due_date, null::text as status, null::timestamptz as snoozed_until, \
                    null::timestamptz as completed_at, null::bigint as created_by \
             where $9::text is null and false)"
    };
    let found_columns: String = COLUMNS.split(',').map(|column| format!("f.{}", column.trim())).collect::<Vec<_>>().join(", ");
    let rows = sqlx::query(&format!(
        "with recursive asked as ( \
             select * from unnest($1::text[], $2::boolean[], $3::text[], $4::text[], $5::timestamptz[], \
                                  $6::boolean[], $7::date[], $8::text[]) with ordinality \
                 as t (asked_slack_id, configured_admin, wanted_key, wanted_title, added_since, adding, due, read_in, ord)), \
         me as (select t.ord, t.configured_admin, t.wanted_key, t.wanted_title, t.added_since, t.adding, t.due, t.read_in, u.* \
                from asked t cross join lateral ( \
                    select {user_columns} from app_user where slack_id = t.asked_slack_id limit 1) u), \
         reports (ord, user_id) as ( \
             select ord, user_id from me \
             union \
             select r.ord, u.user_id from reports r cross join lateral ( \
                 select user_id from app_user where manager_id = r.user_id offset 0) u), \
         found as ( \
             select me.ord, f.*, \
                    (select i.action_item_id from action_item i \
                     where i.plan_id = f.active_plan_id \
                       and lower(i.title) = lower(me.wanted_title) and i.created_at >= me.added_since \
                       and i.status <> 'cancelled' \
                     order by i.action_item_id desc limit 1) as recent_item_id \
             from me cross join lateral ( \
                 select {COLUMNS}, count(*) over () as matches, \
                        (select p.plan_id from plan p where p.account_id = a.account_id and p.status = 'active') as active_plan_id \
                 from account a \
                 where a.match_key = me.wanted_key \
                   and (me.configured_admin or me.role = 'admin' \
                        or exists (select 1 from account_team t where t.account_id = a.account_id and t.user_id = me.user_id) \
                        or exists (select 1 from account_team t join reports r on r.user_id = t.user_id \
                                   where t.account_id = a.account_id and r.ord = me.ord)) \
                 order by a.name limit 25) f), \
         {adding_ctes} \
         select me.*, {found_columns}, f.recent_item_id, f.active_plan_id, \
                (select epoch from access_epoch) as access_epoch, \
                added.action_item_id as added_item_id, added.plan_id as added_plan_id, added.title as added_title, \
                added.due_date as added_due_date, added.status as added_status, \
                added.snoozed_until as added_snoozed_until, added.completed_at as added_completed_at \
         from me left join found f on f.ord = me.ord \
              left join added on added.account_id = f.account_id and added.created_by = me.user_id \
                             and added.title = me.wanted_title \
         order by me.ord, f.name, added.action_item_id",
        user_columns = super::users::COLUMNS
    ))
    .bind(&slack_ids)
    .bind(&admins)
    .bind(&keys)
    .bind(&titles)
    .bind(&since)
    .bind(&adding)
    .bind(&due_dates)
    .bind(&read_in)
    .bind(source)
    .fetch_all(db)
    .await?;
    let mut answers: Vec<Option<CallerView>> = queries.iter().map(|_| None).collect();
    // Identical requests in one batch each add an item; each gets one.
    let mut handed_out: Vec<i64> = Vec::new();
    for row in &rows {
        let ord: i64 = row.try_get("ord")?;
        let slot = &mut answers[(ord - 1) as usize];
        if slot.is_none() {
            *slot = Some(CallerView {
                user: super::users::User::from_row(row)?,
                accounts: Vec::new(),
                recent_item_id: None,
                added: None,
                active_plan_id: None,
                epoch: row.try_get("access_epoch")?,
            });
        }
        let Some(view) = slot else { continue };
        if let Some(account_id) = row.try_get::<Option<i64>, _>("account_id")? {
            if !view.accounts.iter().any(|a| a.account_id == account_id) {
                view.accounts.push(Account::from_row(row)?);
                let one = view.accounts.len() == 1;
                view.recent_item_id = if one { row.try_get("recent_item_id")? } else { None };
                view.active_plan_id = if one { row.try_get("active_plan_id")? } else { None };
            }
            let added_id: Option<i64> = row.try_get("added_item_id")?;
            if let Some(added_id) = added_id.filter(|id| view.added.is_none() && !handed_out.contains(id)) {
                handed_out.push(added_id);
                let account = view.accounts.last().expect("pushed above");
                view.added = Some(super::actions::ActionItem {
                    action_item_id: added_id,
                    plan_id: row.try_get("added_plan_id")?,
                    account_id,
                    account_name: account.name.clone(),
                    title: row.try_get("added_title")?,
                    owner_id: view.user.user_id,
                    owner_name: view.user.display_name.clone(),
                    owner_email: view.user.email.clone(),
                    owner_slack_id: view.user.slack_id.clone(),
                    due_date: row.try_get("added_due_date")?,
                    status: row.try_get("added_status")?,
                    snoozed_until: row.try_get("added_snoozed_until")?,
                    completed_at: row.try_get("added_completed_at")?,
                });
            }
        }
    }
    Ok(answers)
}

/// What an item added from a remembered [`CallerView`] came to.
#[derive(Debug, Clone)]
pub enum KnownAdded {
    /// Added, and audited as the caller's.
    Added(super::actions::ActionItem),
    /// Nothing added: an item with the same title was added since the asked
    /// time (its id).
    Recent(i64),
    /// Nothing added: the access epoch has moved (to this one) since the
    /// view was read, so what it says may no longer hold.
    Moved(i64),
}

/// An item to add, owned by the caller, to the one account of a view read
/// earlier by [`callers_and_exact`], on its active plan.
#[derive(Debug, Clone)]
pub struct KnownAdd {
    view: std::sync::Arc<CallerView>,
    title: String,
    since: DateTime<Utc>,
    due_date: Option<NaiveDate>,
}

impl KnownAdd {
    /// `None` unless the view found exactly one account, with an active plan.
    pub fn new(view: std::sync::Arc<CallerView>, title: &str, since: DateTime<Utc>, due_date: Option<NaiveDate>) -> Option<KnownAdd> {
        (view.accounts.len() == 1 && view.active_plan_id.is_some())
            .then(|| KnownAdd { view, title: title.trim().to_string(), since, due_date })
    }

    fn account(&self) -> &Account {
        &self.view.accounts[0]
    }

    fn plan_id(&self) -> i64 {
        self.view.active_plan_id.expect("checked in new")
    }
}

/// The statement of [`add_known`], public so that the `plan_add` benchmark
/// replays exactly what the server sends. Parameters, one array element
/// per add: `$1` the epoch each view was read at, `$2` plan, `$3` account,
/// `$4` title, `$5` the caller (owner and author), `$6` since when the same
/// title counts as added moments ago, `$7` due date; `$8` the audit source.
pub const ADD_KNOWN_SQL: &str = "with asked as ( \
             select * from unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::text[], $5::bigint[], \
                                  $6::timestamptz[], $7::date[]) with ordinality \
                 as t (epoch, plan_id, account_id, title, user_id, since, due, ord)), \
         now_epoch as (select epoch from access_epoch), \
         recent as ( \
             select t.ord, r.action_item_id from asked t cross join lateral ( \
                 select i.action_item_id from action_item i \
                 where i.plan_id = t.plan_id and lower(i.title) = lower(t.title) and i.created_at >= t.since \
                   and i.status <> 'cancelled' \
                 order by i.action_item_id desc limit 1) r), \
         added as ( \
             insert into action_item (plan_id, account_id, title, owner_id, due_date, created_by) \
             select t.plan_id, t.account_id, t.title, t.user_id, t.due, t.user_id \
             from asked t join now_epoch e on e.epoch = t.epoch, \
                  (select set_config('planbot.audit_written', statement_timestamp()::text, true)) as audit_here \
             where not exists (select 1 from recent r where r.ord = t.ord) \
             order by t.ord \
             returning action_item_id, plan_id, title, created_by, due_date, status, snoozed_until, completed_at, account_id), \
         audited as ( \
             insert into audit (account_id, entity, entity_id, action, field, old_value, new_value, actor_id, actor_source) \
             select account_id, 'action_item', action_item_id, 'insert', null, null, title, created_by, $8::text from added) \
         select t.ord, (select epoch from now_epoch) as epoch, r.action_item_id as recent_item_id, \
                a.action_item_id, a.title as added_title, a.due_date, a.status, a.snoozed_until, a.completed_at \
         from asked t left join recent r on r.ord = t.ord \
              left join added a on a.plan_id = t.plan_id and a.created_by = t.user_id and a.title = t.title \
         order by t.ord, a.action_item_id";

/// Adds items from remembered views (see [`KnownAdd`]), in one short
/// statement for them all: for each, it checks that the access epoch is
/// still the view's (so everything the view says, who the caller is, that
/// they may see the account, its active plan and their time zone, still
/// holds, exactly as if it had been read again in this statement), looks
/// for the same title added since the asked time, and adds the item and
/// its audit row (see [`callers_and_exact`] for how the audit is written).
/// Identical adds in one batch each get their own item.
pub async fn add_known(db: impl sqlx::PgExecutor<'_>, adds: &[KnownAdd], source: &str) -> sqlx::Result<Vec<KnownAdded>> {
    use sqlx::Row;
    let epochs: Vec<i64> = adds.iter().map(|add| add.view.epoch).collect();
    let plans: Vec<i64> = adds.iter().map(KnownAdd::plan_id).collect();
    let accounts: Vec<i64> = adds.iter().map(|add| add.account().account_id).collect();
    let titles: Vec<&str> = adds.iter().map(|add| add.title.as_str()).collect();
    let users: Vec<i64> = adds.iter().map(|add| add.view.user.user_id).collect();
    let since: Vec<DateTime<Utc>> = adds.iter().map(|add| add.since).collect();
    let due_dates: Vec<Option<NaiveDate>> = adds.iter().map(|add| add.due_date).collect();
    let rows = sqlx::query(ADD_KNOWN_SQL)
    .bind(&epochs)
    .bind(&plans)
    .bind(&accounts)
    .bind(&titles)
    .bind(&users)
    .bind(&since)
    .bind(&due_dates)
    .bind(source)
    .fetch_all(db)
    .await?;
    let mut answers: Vec<Option<KnownAdded>> = adds.iter().map(|_| None).collect();
    // Identical adds in one batch each added an item; each gets one.
    let mut handed_out: Vec<i64> = Vec::new();
    for row in &rows {
        let ord: i64 = row.try_get("ord")?;
        let index = (ord - 1) as usize;
        let (add, slot) = (&adds[index], &mut answers[index]);
        if slot.is_some() {
            continue;
        }
        let epoch: i64 = row.try_get("epoch")?;
        let added: Option<i64> = row.try_get("action_item_id")?;
        *slot = if epoch != add.view.epoch {
            Some(KnownAdded::Moved(epoch))
        } else if let Some(recent) = row.try_get::<Option<i64>, _>("recent_item_id")? {
            Some(KnownAdded::Recent(recent))
        } else if let Some(added) = added.filter(|id| !handed_out.contains(id)) {
            handed_out.push(added);
            let (user, account) = (&add.view.user, add.account());
            Some(KnownAdded::Added(super::actions::ActionItem {
                action_item_id: added,
                plan_id: add.plan_id(),
                account_id: account.account_id,
                account_name: account.name.clone(),
                title: row.try_get("added_title")?,
                owner_id: user.user_id,
                owner_name: user.display_name.clone(),
                owner_email: user.email.clone(),
                owner_slack_id: user.slack_id.clone(),
                due_date: row.try_get("due_date")?,
                status: row.try_get("status")?,
                snoozed_until: row.try_get("snoozed_until")?,
                completed_at: row.try_get("completed_at")?,
            }))
        } else {
            None
        };
    }
    answers
        .into_iter()
        .map(|answer| answer.ok_or_else(|| sqlx::Error::Protocol("an add from a remembered lookup got no answer".into())))
        .collect()
}

/// Accounts the viewer may see whose folded name resembles `query`, best
/// first; the final choice is made by [`crate::domain::names::resolve`].
pub async fn visible_candidates(pool: &PgPool, viewer: Viewer, query: &str) -> sqlx::Result<Vec<Account>> {
    let key = match_key(query);
    if key.is_empty() {
        return Ok(Vec::new());
    }
    // A name typed exactly (once folded) is the answer whatever resembles it
    // (see `names::resolve`); an index lookup finds it without comparing
    // the name with every account's.
    let exact: Vec<Account> = sqlx::query_as(&format!(
        "{VISIBLE_WITH} select {COLUMNS} from account a where a.match_key = $3 and {VISIBLE} order by a.name limit 25"
    ))
    .bind(viewer.user_id)
    .bind(viewer.is_admin)
    .bind(&key)
    .fetch_all(pool)
    .await?;
    if !exact.is_empty() {
        return Ok(exact);
    }
    sqlx::query_as(&format!(
        "{VISIBLE_WITH} select {COLUMNS} from account a \
         where (a.match_key % $3 or a.match_key like $4 || '%' or $3 <% a.match_key) \
           and {VISIBLE} \
         order by a.match_key = $3 desc, similarity(a.match_key, $3) desc, a.name \
         limit 25"
    ))
    .bind(viewer.user_id)
    .bind(viewer.is_admin)
    .bind(&key)
    .bind(like_prefix(&key))
    .fetch_all(pool)
    .await
}

/// Every account the viewer may see, by name, up to `limit` (the last
/// resort of a name lookup: a typo too far for the similarity index).
pub async fn visible_all(pool: &PgPool, viewer: Viewer, limit: i64) -> sqlx::Result<Vec<Account>> {
    sqlx::query_as(&format!("{VISIBLE_WITH} select {COLUMNS} from account a where {VISIBLE} order by a.name limit $3"))
        .bind(viewer.user_id)
        .bind(viewer.is_admin)
        .bind(limit)
        .fetch_all(pool)
        .await
}

fn like_prefix(key: &str) -> String {
    key.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_")
}

/// The accounts whose team the person is on, most strategic first.
pub async fn on_team_of(pool: &PgPool, user_id: i64) -> sqlx::Result<Vec<AccountRef>> {
    sqlx::query_as(
        "select a.account_id, a.name from account a \
         where exists (select 1 from account_team t where t.account_id = a.account_id and t.user_id = $1) \
         order by a.rank, a.name",
    )
    .bind(user_id)
    .fetch_all(pool)
    .await
}

/// The account linked to a Slack channel, if any.
pub async fn linked_to_channel(pool: &PgPool, channel: &str) -> sqlx::Result<Option<AccountRef>> {
    sqlx::query_as("select account_id, name from account where slack_channel = $1 order by account_id limit 1")
        .bind(channel)
        .fetch_optional(pool)
        .await
}

/// Links the account to a channel (its deadline alerts and notifications go there).
pub async fn link_channel(conn: &mut PgConnection, account_id: i64, channel: &str) -> sqlx::Result<()> {
    sqlx::query("update account set slack_channel = $2 where account_id = $1")
        .bind(account_id)
        .bind(channel)
        .execute(conn)
        .await?;
    Ok(())
}

/// A member of an account team, with what is needed to name them.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct TeamMember {
    pub user_id: i64,
    pub role: TeamRole,
    pub display_name: String,
    pub email: String,
    pub slack_id: Option<String>,
}

pub async fn team<'e>(executor: impl sqlx::PgExecutor<'e>, account_id: i64) -> sqlx::Result<Vec<TeamMember>> {
    sqlx::query_as(
        "select t.user_id, t.role, u.display_name, u.email, u.slack_id \
         from account_team t join app_user u using (user_id) \
         where t.account_id = $1 \
         order by array_position(array['owner','sa','csm','tam','renewals','sdr','partner','leader'], t.role), \
                  u.display_name",
    )
    .bind(account_id)
    .fetch_all(executor)
    .await
}

/// An account in a list: its standing at a glance.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct AccountOverview {
    pub account_id: i64,
    pub name: String,
    pub rank: i16,
    pub renewal_date: Option<NaiveDate>,
    pub open_total: i64,
    pub overdue_total: i64,
    pub has_active_plan: bool,
    /// The active plan's health, explained (filled by [`overview_for_member`]).
    #[sqlx(skip)]
    pub health: Option<crate::domain::review::HealthLine>,
}

/// The accounts whose team the person is on, most strategic first, with
/// their open and overdue counts on `today`.
pub async fn overview_for_member(pool: &PgPool, user_id: i64, today: NaiveDate) -> sqlx::Result<Vec<AccountOverview>> {
    let mut accounts: Vec<AccountOverview> = overview_rows(pool, user_id, today).await?;
    let ids: Vec<i64> = accounts.iter().map(|a| a.account_id).collect();
    let mut conn = pool.acquire().await?;
    let mut health = super::review::health_lines(&mut conn, &ids, 2).await?;
    for account in &mut accounts {
        account.health = health.remove(&account.account_id);
    }
    Ok(accounts)
}

async fn overview_rows(pool: &PgPool, user_id: i64, today: NaiveDate) -> sqlx::Result<Vec<AccountOverview>> {
    sqlx::query_as(
        "select a.account_id, a.name, a.rank, a.renewal_date, \
                count(i.action_item_id) as open_total, \
                count(i.action_item_id) filter (where i.due_date < $2) as overdue_total, \
                exists (select 1 from plan p where p.account_id = a.account_id and p.status = 'active') as has_active_plan \
         from account a \
         left join action_item i on i.account_id = a.account_id and i.status = 'open' \
         where exists (select 1 from account_team t where t.account_id = a.account_id and t.user_id = $1) \
         group by a.account_id \
         order by a.rank, a.name",
    )
    .bind(user_id)
    .bind(today)
    .fetch_all(pool)
    .await
}

/// Every account's keys (imports resolve thousands of names at once).
pub async fn all_keys(conn: &mut PgConnection) -> sqlx::Result<Vec<AccountKey>> {
    sqlx::query_as("select account_id, name, external_id, match_key from account order by account_id")
        .fetch_all(conn)
        .await
}

/// The keys of accounts a few names or external ids could mean (the API
/// resolves a handful per request).
pub async fn keys_for(conn: &mut PgConnection, names: &[String], external_ids: &[String]) -> sqlx::Result<Vec<AccountKey>> {
    let lowered: Vec<String> = names.iter().map(|n| n.trim().to_lowercase()).collect();
    let folded: Vec<String> = names.iter().map(|n| match_key(n)).collect();
    sqlx::query_as(
        "select account_id, name, external_id, match_key from account \
         where lower(name) = any($1) or match_key = any($2) or external_id = any($3) order by account_id",
    )
    .bind(&lowered)
    .bind(&folded)
    .bind(external_ids)
    .fetch_all(conn)
    .await
}

/// The channel an account is linked to, if any.
pub async fn linked_channel_of(conn: &mut PgConnection, account_id: i64) -> sqlx::Result<Option<String>> {
    sqlx::query_scalar("select slack_channel from account where account_id = $1")
        .bind(account_id)
        .fetch_optional(conn)
        .await
        .map(Option::flatten)
}

/// An account's rank notes, locked for the rest of the transaction.
pub async fn lock_rank_notes(conn: &mut PgConnection, account_id: i64) -> sqlx::Result<Option<String>> {
    sqlx::query_scalar("select rank_notes from account where account_id = $1 for update")
        .bind(account_id)
        .fetch_optional(conn)
        .await
}

pub async fn set_rank_notes(conn: &mut PgConnection, account_id: i64, notes: &str) -> sqlx::Result<()> {
    sqlx::query("update account set rank_notes = $2 where account_id = $1 and rank_notes is distinct from $2")
        .bind(account_id)
        .bind(notes)
        .execute(conn)
        .await?;
    Ok(())
}
