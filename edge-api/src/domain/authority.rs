//! Authority never grows: who may act for whom. A credential (API key, invitation,
//! console session, realtime ticket) carries its agent's role, so minting one for an
//! agent ranked above the caller would hand the caller that agent's power. The rules:
//!
//! - a caller may mint a credential for itself, whatever its role;
//! - an owner or admin may mint one for an agent of the same rank or below (an owner for
//!   anyone, an admin for admins and operators); an operator only for itself;
//! - an owner may remove anyone, itself included, except the last owner (the store
//!   refuses that in the same statement); an admin may remove operators only;
//! - lowering an agent's role takes its authority away at once, so every socket the
//!   agent holds closes (see [`lowers`]).

use shared_types::agents::AgentRole;

/// A role's place: the higher, the more it may do.
pub const fn rank(role: AgentRole) -> u8 {
    match role {
        AgentRole::Operator => 0,
        AgentRole::Admin => 1,
        AgentRole::Owner => 2,
    }
}

/// Whether `caller` may create a key or an invitation for an agent whose role is
/// `target`; `is_self` when the agent is the caller. Sessions and tickets are only ever
/// minted for the credential's own agent, which this allows.
pub fn may_mint_for(caller: AgentRole, target: AgentRole, is_self: bool) -> bool {
    if is_self {
        return true;
    }
    caller != AgentRole::Operator && rank(target) <= rank(caller)
}

/// Whether `caller` may remove an agent of role `target` from the workspace.
pub fn may_remove(caller: AgentRole, target: AgentRole) -> bool {
    match caller {
        AgentRole::Owner => true,
        AgentRole::Admin => target == AgentRole::Operator,
        AgentRole::Operator => false,
    }
}

/// Whether a role change from `before` to `after` takes authority away, which closes
/// the agent's open sockets (they were opened with the old authority).
pub fn lowers(before: AgentRole, after: AgentRole) -> bool {
    rank(after) < rank(before)
}

#[cfg(test)]
mod tests {
    use super::*;
    use AgentRole::*;

    const ROLES: [AgentRole; 3] = [Owner, Admin, Operator];

    #[test]
    fn an_admin_cannot_mint_for_an_owner() {
        assert!(!may_mint_for(Admin, Owner, false));
        assert!(may_mint_for(Admin, Admin, false));
        assert!(may_mint_for(Admin, Operator, false));
    }

    #[test]
    fn an_owner_mints_for_anyone() {
        for target in ROLES {
            assert!(may_mint_for(Owner, target, false), "{target:?}");
        }
    }

    #[test]
    fn an_operator_mints_only_for_itself() {
        for target in ROLES {
            assert!(!may_mint_for(Operator, target, false), "{target:?}");
        }
        assert!(may_mint_for(Operator, Operator, true));
    }

    #[test]
    fn minting_never_reaches_above_the_caller() {
        for caller in ROLES {
            for target in ROLES {
                if may_mint_for(caller, target, false) {
                    assert!(rank(target) <= rank(caller), "{caller:?} for {target:?}");
                }
            }
        }
    }

    #[test]
    fn owners_remove_anyone_admins_only_operators() {
        for target in ROLES {
            assert!(may_remove(Owner, target));
            assert!(!may_remove(Operator, target));
        }
        assert!(may_remove(Admin, Operator));
        assert!(!may_remove(Admin, Admin));
        assert!(!may_remove(Admin, Owner));
    }

    #[test]
    fn only_a_step_down_lowers() {
        assert!(lowers(Owner, Admin));
        assert!(lowers(Owner, Operator));
        assert!(lowers(Admin, Operator));
        for role in ROLES {
            assert!(!lowers(role, role));
        }
        assert!(!lowers(Operator, Admin));
        assert!(!lowers(Admin, Owner));
    }
}
