// Group roles in two browsers side by side: alice owns a group with bob (and carol, who stays off
// screen). The members panel shows each member's role and offers only what the viewer's role
// allows: nothing to a plain member, removing plain members and renaming to an admin, everything
// to the owner. Each change reaches both screens as a notice line in the conversation.
// Screenshots: members as a member, as the owner, as an admin; the conversation on both sides.
import { assertEqual, scenario, WaitMs } from './lib.mjs';

await scenario('roles', async (t) => {
  const [aliceId, bobId, carolId] = [t.user('alice'), t.user('bob'), t.user('carol')];
  const alice = await t.device('alice');
  const bob = await t.device('bob');
  await alice.signIn(aliceId);
  await bob.signIn(bobId);
  const id = await (await t.api(aliceId)).createGroup('Book club', [bobId, carolId]);

  const openMembers = async (device) => {
    await device.page.getByTestId('members-button').click();
    await device.page.locator('[data-testid="member"]').nth(2).waitFor({ timeout: WaitMs });
  };
  const closeMembers = (device) => device.page.getByTestId('close-members').click();
  const member = (device, user) => device.page.locator(`[data-testid="member"][data-user="${user}"]`);
  const roleShown = (device, user, role) => device.page.locator(`[data-testid="member"][data-user="${user}"][data-role="${role}"]`).waitFor({ timeout: WaitMs });
  const count = (device, testid) => device.page.locator(`[data-testid="${testid}"]`).count();
  const notice = (device, text) => device.page.locator('[data-testid="notice"]').filter({ hasText: text }).waitFor({ timeout: WaitMs });

  t.step('bob, a plain member, sees the roles and no action but leaving');
  await bob.conversation(id).waitFor({ timeout: WaitMs });
  await bob.open(id);
  await openMembers(bob);
  await roleShown(bob, aliceId, 'owner');
  await roleShown(bob, bobId, 'member');
  assertEqual(
    [await count(bob, 'promote'), await count(bob, 'transfer'), await count(bob, 'remove-member'), await count(bob, 'rename-input'), await count(bob, 'leave-group')],
    [0, 0, 0, 0, 1],
    "the actions offered to bob as a member (promote, transfer, remove, rename, leave)",
  );
  await t.shot(bob, 'members-as-member');
  await closeMembers(bob);

  t.step('alice, the owner, is offered every action on the others, and makes bob an admin');
  await alice.open(id);
  await openMembers(alice);
  assertEqual(
    [await count(alice, 'promote'), await count(alice, 'transfer'), await count(alice, 'remove-member'), await count(alice, 'rename-input')],
    [2, 2, 2, 1],
    'the actions offered to alice as the owner',
  );
  assertEqual(await member(alice, aliceId).locator('button').count(), 0, 'the actions alice is offered on herself');
  await t.shot(alice, 'members-as-owner');
  await member(alice, bobId).getByTestId('promote').click();
  await roleShown(alice, bobId, 'admin');
  await closeMembers(alice);

  t.step('both see the notice in the conversation');
  await notice(alice, `You made ${bobId} an admin`);
  await notice(bob, `${aliceId} made you an admin`);

  t.step('bob, now an admin, may remove carol but not alice, and renames the group');
  await openMembers(bob);
  await roleShown(bob, bobId, 'admin');
  assertEqual(
    [await member(bob, carolId).getByTestId('remove-member').count(), await member(bob, aliceId).getByTestId('remove-member').count(), await count(bob, 'promote')],
    [1, 0, 0],
    'what bob as an admin may do to carol and to alice, and promotions offered',
  );
  await bob.page.getByTestId('rename-input').fill('Readers');
  await bob.page.getByTestId('rename').click();
  await t.shot(bob, 'members-as-admin');
  await closeMembers(bob);
  await notice(alice, `${bobId} renamed the group to “Readers”`);
  await alice.conversation(id).filter({ hasText: 'Readers' }).waitFor({ timeout: WaitMs });
  await bob.page.getByTestId('conversation-title').filter({ hasText: 'Readers' }).waitFor({ timeout: WaitMs });

  t.step('alice hands ownership to bob and is an admin after');
  await openMembers(alice);
  await member(alice, bobId).getByTestId('transfer').click();
  await roleShown(alice, bobId, 'owner');
  await roleShown(alice, aliceId, 'admin');
  assertEqual(await count(alice, 'promote'), 0, 'promotions offered to alice once she is an admin');
  await closeMembers(alice);
  await notice(bob, `${aliceId} made you the owner`);
  await notice(bob, `${aliceId} is now an admin`);
  await notice(alice, 'You are now an admin');
  await t.shot(alice, 'conversation-alice');
  await t.shot(bob, 'conversation-bob');

  t.step('alice leaves: the group goes from her list; bob, the owner, sees two members');
  await openMembers(alice);
  await alice.page.getByTestId('leave-group').click();
  await alice.conversation(id).waitFor({ state: 'detached', timeout: WaitMs });
  await bob.page.getByTestId('members-button').click();
  await bob.page.waitForFunction(() => document.querySelectorAll('[data-testid="member"]').length === 2, null, { timeout: WaitMs });
  await roleShown(bob, bobId, 'owner');
  assertEqual(await count(bob, 'transfer'), 1, 'handovers offered to bob, the owner, with carol left');
});
