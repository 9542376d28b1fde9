//! Writes the demo workspace of [`super::data`] through the store, with
//! dates relative to the day the demo runs.
//!
//! It owns only the order of the writes: vocabulary comes from
//! `crate::domain`, intel links are keyed by `crate::intel::dedupe`, and
//! every row is written through `crate::store`.

use anyhow::Context;
use chrono::{DateTime, Duration, NaiveDate, Utc};
use sqlx::PgPool;

use super::data::{ACCOUNTS, DemoAccount, PEOPLE, SPONSOR_CHANGES};
use crate::domain::enums::{IntelCategory, PlanStatus, PlanType, SponsorAttribute, TeamRole, UserRole};
use crate::domain::plan::SECTIONS;
use crate::intel::dedupe::normalize_link;
use crate::store::accounts::{self, NewAccount};
use crate::store::contacts::{self, NewContact};
use crate::store::intel::{self, NewIntelItem};
use crate::store::plans::{self, NewPlan};
use crate::store::users::{self, NewUser};
use crate::store::whitespace::{self, NewWhitespace};
use crate::store::{self, Actor};

/// What was seeded, for the demo's opening lines.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Seeded {
    pub people: usize,
    pub accounts: usize,
    pub action_items: i64,
    pub overdue: i64,
    pub contacts: usize,
    pub whitespace: usize,
    pub intel: usize,
}

/// Seeds the demo workspace in one transaction (all or nothing).
pub async fn seed(pool: &PgPool, now: DateTime<Utc>) -> anyhow::Result<Seeded> {
    let today = now.date_naive();
    let mut tx = store::begin(pool, Actor::source("demo")).await?;
    let mut seeded = Seeded { people: PEOPLE.len(), accounts: ACCOUNTS.len(), ..Seeded::default() };

    // Managers are named by email, so everyone exists before anyone is linked to a manager.
    for with_managers in [false, true] {
        for person in PEOPLE {
            let manager_email = person
                .manager
                .filter(|_| with_managers)
                .and_then(|key| PEOPLE.iter().find(|p| p.key == key))
                .map(|m| m.email.to_string());
            users::upsert(
                &mut tx,
                &NewUser {
                    email: person.email.into(),
                    display_name: person.name.into(),
                    slack_id: Some(person.slack_id.into()),
                    tz: Some(person.tz.into()),
                    manager_email,
                    role: Some(if person.admin { UserRole::Admin } else { UserRole::Member }),
                },
            )
            .await?;
        }
    }

    for demo in ACCOUNTS {
        let counts = seed_account(&mut tx, demo, today, now).await.with_context(|| format!("seeding {}", demo.name))?;
        seeded.contacts += counts.0;
        seeded.whitespace += counts.1;
        seeded.intel += counts.2;
    }

    for change in SPONSOR_CHANGES {
        let contact_id: i64 = sqlx::query_scalar(
            "select c.contact_id from contact c join account a using (account_id) \
             where a.name = $1 and c.name = $2",
        )
        .bind(change.account)
        .bind(change.contact)
        .fetch_one(&mut *tx)
        .await
        .with_context(|| format!("sponsor change of {} at {}", change.contact, change.account))?;
        let attribute = change.attribute.parse()?;
        let observed_at = now - Duration::days(change.days_ago);
        store::sponsors::record_change(
            &mut tx,
            contact_id,
            attribute,
            Some(change.old_value),
            Some(change.new_value),
            observed_at,
        )
        .await?;
        if attribute == SponsorAttribute::Company && !crate::sponsors::works_at(change.new_value, change.account) {
            store::sponsors::set_departed(&mut tx, contact_id, Some(observed_at)).await?;
        }
    }

    let (items, overdue): (i64, i64) = sqlx::query_as(
        "select count(*), count(*) filter (where status = 'open' and due_date < $1) from action_item",
    )
    .bind(today)
    .fetch_one(&mut *tx)
    .await?;
    seeded.action_items = items;
    seeded.overdue = overdue;
    tx.commit().await?;
    Ok(seeded)
}

async fn person_id(tx: &mut sqlx::PgConnection, key: &str) -> anyhow::Result<i64> {
    let person = PEOPLE.iter().find(|p| p.key == key).with_context(|| format!("no demo person `{key}`"))?;
    Ok(users::by_email(tx, person.email).await?.context("demo person missing")?.user_id)
}

fn in_days(today: NaiveDate, days: i64) -> NaiveDate {
    today + Duration::days(days)
}

/// Seeds one account; returns how many contacts, whitespace rows and intel items it got.
async fn seed_account(
    tx: &mut sqlx::PgConnection,
    demo: &DemoAccount,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> anyhow::Result<(usize, usize, usize)> {
    let owner_key = demo.team.iter().find(|(_, role)| *role == "owner").context("account without owner")?.0;
    let owner_id = person_id(tx, owner_key).await?;
    let account = accounts::create(
        tx,
        &NewAccount {
            name: demo.name.into(),
            external_id: Some(demo.external_id.into()),
            rank: demo.rank,
            rank_notes: demo.rank_notes.into(),
            tier: demo.tier.into(),
            industry: demo.industry.into(),
            annual_spend: Some(demo.annual_spend),
            renewal_date: Some(in_days(today, demo.renewal_in_days)),
            slack_channel: demo.slack_channel.map(str::to_string),
            owner_id,
        },
    )
    .await?;
    for (key, role) in demo.team.iter().filter(|(_, role)| *role != "owner") {
        let role: TeamRole = role.parse()?;
        let member = person_id(tx, key).await?;
        accounts::add_to_team(tx, account.account_id, member, role).await?;
    }

    let sections = SECTIONS
        .iter()
        .zip(demo.plan.sections)
        .filter(|(_, text)| !text.is_empty())
        .map(|(section, text)| (section.key, text.to_string()))
        .collect();
    let plan = plans::create(
        tx,
        &NewPlan {
            account_id: account.account_id,
            name: demo.plan.name.into(),
            plan_type: demo.plan.plan_type.parse::<PlanType>()?,
            status: demo.plan.status.parse::<PlanStatus>()?,
            due_date: demo.plan.due_in_days.map(|d| in_days(today, d)),
            sections,
        },
        // Template items are due relative to the plan's start: a month ago.
        today - Duration::days(30),
    )
    .await?;

    // A month into the plan, the team has done the guided items that were due.
    sqlx::query("update action_item set status = 'done', completed_at = now() where plan_id = $1 and due_date < $2")
        .bind(plan.plan_id)
        .bind(today)
        .execute(&mut *tx)
        .await?;

    for action in demo.actions {
        let owner = person_id(tx, action.owner).await?;
        let id = crate::store::actions::add_to_plan(
            tx,
            plan.plan_id,
            action.title,
            owner,
            action.due_in_days.map(|d| in_days(today, d)),
            Some(owner),
        )
        .await?;
        if action.done {
            crate::store::actions::mark_done(tx, id).await?;
        }
    }

    let mut contact_ids = Vec::new();
    for contact in demo.contacts {
        let relationship_owner = match contact.relationship_owner {
            Some(key) => Some(person_id(tx, key).await?),
            None => None,
        };
        let id = contacts::upsert(
            tx,
            &NewContact {
                account_id: account.account_id,
                name: contact.name.into(),
                title: contact.title.into(),
                company: demo.name.into(),
                email: Some(contact.email.into()),
                profile_url: None,
                influence: Some(contact.influence.parse()?),
                buying_role: Some(contact.buying_role.parse()?),
                sentiment: Some(contact.sentiment.parse()?),
                strength: Some(contact.strength),
                relationship_owner_id: relationship_owner,
            },
        )
        .await?;
        if contact.tracked {
            contacts::track(tx, id, Some(contact.location), now).await?;
        }
        contact_ids.push((id, contact.reports_to));
    }
    for (id, reports_to) in contact_ids {
        if reports_to.is_some() {
            contacts::set_reports_to(tx, id, reports_to).await?;
        }
    }

    for row in demo.whitespace {
        whitespace::upsert(
            tx,
            &NewWhitespace {
                account_id: account.account_id,
                stage: row.stage.parse()?,
                vendor: row.vendor.into(),
                likes: row.likes.into(),
                dislikes: row.dislikes.into(),
                annual_spend: row.annual_spend,
                contract_end: row.contract_end_in_days.map(|d| in_days(today, d)),
                appetite: Some(row.appetite.parse()?),
            },
        )
        .await?;
    }

    for item in demo.intel {
        intel::insert(
            tx,
            &NewIntelItem {
                account_id: account.account_id,
                intel_source_id: None,
                source: item.source.into(),
                headline: item.headline.into(),
                url: Some(item.url.into()),
                summary: item.summary.into(),
                category: item.category.parse::<IntelCategory>().map_err(|e| anyhow::anyhow!("{e}"))?,
                published_at: now - Duration::days(item.days_ago),
                dedupe_key: normalize_link(item.url),
            },
        )
        .await?;
    }
    Ok((demo.contacts.len(), demo.whitespace.len(), demo.intel.len()))
}
