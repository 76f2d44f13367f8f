package org.camelgateway.balancer;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SmoothWeightedRoundRobinTest {

    static final int A = 0;
    static final int B = 1;
    static final int C = 2;

    /** Members as the pool would see them; all in rotation until a test says otherwise. */
    static final class Members implements SmoothWeightedRoundRobin.Members {
        final BitSet out = new BitSet();
        final BitSet drained = new BitSet();
        final BitSet refusing = new BitSet();
        final List<Integer> asked = new ArrayList<>();

        @Override
        public boolean isDrained(int member) {
            return drained.get(member);
        }

        @Override
        public boolean isOut(int member) {
            return out.get(member);
        }

        @Override
        public boolean admits(int member) {
            asked.add(member);
            return !refusing.get(member);
        }
    }

    final Members members = new Members();

    /** One pick for a request of its own. */
    int next(SmoothWeightedRoundRobin rotation) {
        return rotation.next(new BitSet(), members);
    }

    List<Integer> picks(SmoothWeightedRoundRobin rotation, int n) {
        List<Integer> picks = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            picks.add(next(rotation));
        }
        return picks;
    }

    @Test
    void threeToOneGivesExactlyThreeHundredAndOneHundredOfFourHundred() {
        List<Integer> picks = picks(new SmoothWeightedRoundRobin(3, 1), 400);
        assertThat(picks.stream().filter(m -> m == A).count()).isEqualTo(300);
        assertThat(picks.stream().filter(m -> m == B).count()).isEqualTo(100);
    }

    @Test
    void threeToOneSpreadsTheLightMemberAsNginxDoes() {
        assertThat(picks(new SmoothWeightedRoundRobin(3, 1), 8)).containsExactly(A, A, B, A, A, A, B, A);
    }

    @Test
    void fiveOneOneInterleavesAsNginxDoesAndRepeatsEveryCycle() {
        assertThat(picks(new SmoothWeightedRoundRobin(5, 1, 1), 14))
                .containsExactly(A, A, B, A, C, A, A, A, A, B, A, C, A, A);
    }

    @Test
    void aStandbyIsPickedOnlyWhenEveryWeightedMemberIsOut() {
        SmoothWeightedRoundRobin rotation = new SmoothWeightedRoundRobin(1, 1, 0);
        assertThat(picks(rotation, 100)).doesNotContain(C);
        members.out.set(A);
        assertThat(picks(rotation, 10)).containsOnly(B);
        members.out.set(B);
        assertThat(picks(rotation, 10)).containsOnly(C);
        members.out.clear(A);
        assertThat(picks(rotation, 10)).containsOnly(A);
    }

    @Test
    void aRequestGetsEachMemberOnceThenTheStandbyThenNothing() {
        SmoothWeightedRoundRobin rotation = new SmoothWeightedRoundRobin(3, 1, 0);
        BitSet tried = new BitSet();
        List<Integer> attempts = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            attempts.add(rotation.next(tried, members));
        }
        assertThat(attempts).containsExactly(A, B, C, -1);
        assertThat(tried.cardinality()).isEqualTo(3);
    }

    @Test
    void whenEveryMemberIsOutTheyArePickedAnywayByWeightButNeverADrainedOne() {
        SmoothWeightedRoundRobin rotation = new SmoothWeightedRoundRobin(3, 1, 0);
        members.out.set(A, C + 1);
        members.drained.set(B);
        List<Integer> picks = picks(rotation, 40);
        assertThat(picks.stream().filter(m -> m == A).count()).isEqualTo(30);
        assertThat(picks.stream().filter(m -> m == C).count()).isEqualTo(10);
        assertThat(members.asked).as("no breaker is asked when every member is out").isEmpty();

        members.drained.set(A, C + 1);
        assertThat(next(rotation)).isEqualTo(-1);
    }

    @Test
    void aMemberThatRefusesIsSkippedForThisPickOnly() {
        SmoothWeightedRoundRobin rotation = new SmoothWeightedRoundRobin(1, 1);
        members.refusing.set(A);
        BitSet tried = new BitSet();
        assertThat(rotation.next(tried, members)).isEqualTo(B);
        assertThat(members.asked).containsExactly(A, B);
        assertThat(tried.get(A)).as("a refusal is not an attempt").isFalse();

        members.refusing.clear(A);
        assertThat(picks(rotation, 2)).containsExactlyInAnyOrder(A, B);
    }

    @Test
    void aRefusingMemberWithEveryOtherOneOutLeavesTheRequestToTheStandby() {
        SmoothWeightedRoundRobin rotation = new SmoothWeightedRoundRobin(1, 1, 0);
        members.out.set(B);
        members.refusing.set(A);
        assertThat(picks(rotation, 3)).containsOnly(C);
    }

    @Test
    void aWeightChangeTakesEffectFromTheNextPickAsANewCycle() {
        SmoothWeightedRoundRobin rotation = new SmoothWeightedRoundRobin(3, 1);
        assertThat(picks(rotation, 2)).containsExactly(A, A);
        rotation.setWeight(B, 3);
        assertThat(rotation.weights()).containsExactly(3, 3);
        assertThat(picks(rotation, 6)).containsExactly(A, B, A, B, A, B);
        rotation.setWeight(A, 0);
        assertThat(picks(rotation, 4)).containsOnly(B);
    }
}
