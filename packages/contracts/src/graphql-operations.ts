/** What the staff gradebook and a student's own grades both show: one table, the same columns. */
const GRADEBOOK_FIELDS = /* GraphQL */ `
  fragment GradebookFields on Gradebook {
    courseId
    quizzes { id title pointsPossible dueAt extraCredit }
    students {
      userId
      percent
      letter
      items { quizId score raw late missing dropped pendingManual }
    }
  }`;

/**
 * Every GraphQL operation the apps send to the api-gateway. In production the gateway runs
 * these and nothing else (its allow-list), so a new screen adds its operation here.
 */
export const OPERATIONS = {
  Viewer: /* GraphQL */ `
    query Viewer {
      me { id displayName email roles tenantSlug }
    }`,
  Dashboard: /* GraphQL */ `
    query Dashboard {
      me {
        id
        displayName
        roles
        courses {
          id
          code
          title
          term
          state
          myEnrollment { role status }
          progress { completed total percent }
        }
      }
    }`,
  Catalog: /* GraphQL */ `
    query Catalog($search: String, $after: String) {
      courses(search: $search, first: 24, after: $after) {
        items {
          id
          code
          title
          description
          term
          state
          selfEnrollment
          capacity
          myEnrollment { role status }
        }
        nextCursor
      }
    }`,
  CoursePage: /* GraphQL */ `
    query CoursePage($id: ID!) {
      course(id: $id) {
        id
        code
        title
        description
        term
        state
        selfEnrollment
        myEnrollment { role status }
        progress { completed total percent }
        modules {
          id
          title
          position
          published
          unlockAt
          locked
          lockReason
          lockExplanation
          progress { completed total percent }
          items { id title kind published completed }
        }
      }
    }`,
  Roster: /* GraphQL */ `
    query Roster($id: ID!) {
      course(id: $id) {
        id
        roster { userId displayName role status }
      }
    }`,
  ItemPage: /* GraphQL */ `
    query ItemPage($courseId: ID!, $itemId: ID!) {
      course(id: $courseId) { id code title myEnrollment { role } }
      item(courseId: $courseId, itemId: $itemId) {
        id
        moduleId
        kind
        title
        body
        url
        completed
        file { id name mediaType size version url expiresAt }
        quiz {
          id
          title
          description
          opensAt
          dueAt
          closesAt
          timeLimitSeconds
          attemptsAllowed
          attemptsUsed
          releasePolicy
          pointsPossible
          accessCodeRequired
          myAttempts { id number status startedAt submittedAt score pointsPossible gradingState released }
        }
      }
    }`,
  AttemptPage: /* GraphQL */ `
    query AttemptPage($courseId: ID!, $itemId: ID!, $attemptId: ID!) {
      course(id: $courseId) { id code title }
      item(courseId: $courseId, itemId: $itemId) { id title quiz { id title description releasePolicy } }
      attempt(id: $attemptId) {
        id
        quizId
        number
        status
        deadlineAt
        timeRemainingSeconds
        submittedAt
        autoSubmitted
        oneQuestionAtATime
        pointsPossible
        score
        gradingState
        released
        questions { position type points payload answer score needsManual feedback correct }
      }
    }`,
  QuizLivePage: /* GraphQL */ `
    query QuizLivePage($courseId: ID!, $itemId: ID!) {
      course(id: $courseId) { id title roster { userId displayName } }
      item(courseId: $courseId, itemId: $itemId) {
        id
        kind
        title
        quiz {
          id
          title
          live {
            quizId
            now
            channel { topic event }
            attempts {
              attemptId
              userId
              number
              status
              startedAt
              deadlineAt
              questionCount
              position
              answered
              savedAt
              submittedAt
              autoSubmitted
              answeredPositions
            }
          }
        }
      }
    }`,
  Gradebook: /* GraphQL */ `
    query Gradebook($id: ID!) {
      course(id: $id) {
        id
        title
        gradebook { ...GradebookFields }
      }
    }
    ${GRADEBOOK_FIELDS}`,
  MyGrades: /* GraphQL */ `
    query MyGrades($id: ID!) {
      course(id: $id) {
        id
        title
        myGrades { ...GradebookFields }
      }
    }
    ${GRADEBOOK_FIELDS}`,
  Users: /* GraphQL */ `
    query Users($search: String) {
      users(search: $search, first: 100) {
        total
        items { id email displayName roles status }
      }
    }`,
  Enroll: /* GraphQL */ `
    mutation Enroll($courseId: ID!) {
      enroll(courseId: $courseId) { courseId status }
    }`,
  CreateCourse: /* GraphQL */ `
    mutation CreateCourse($input: CreateCourseInput!) {
      createCourse(input: $input) { id code title state }
    }`,
  SetCourseState: /* GraphQL */ `
    mutation SetCourseState($courseId: ID!, $state: CourseState!) {
      setCourseState(courseId: $courseId, state: $state) { id state }
    }`,
  AddModule: /* GraphQL */ `
    mutation AddModule($courseId: ID!, $title: String!, $published: Boolean) {
      addModule(courseId: $courseId, title: $title, published: $published) { id title published }
    }`,
  SetModulePublished: /* GraphQL */ `
    mutation SetModulePublished($courseId: ID!, $moduleId: ID!, $published: Boolean!) {
      setModulePublished(courseId: $courseId, moduleId: $moduleId, published: $published) { id published }
    }`,
  AddItem: /* GraphQL */ `
    mutation AddItem($courseId: ID!, $moduleId: ID!, $input: AddItemInput!) {
      addItem(courseId: $courseId, moduleId: $moduleId, input: $input) { id title }
    }`,
  CompleteItem: /* GraphQL */ `
    mutation CompleteItem($courseId: ID!, $itemId: ID!) {
      completeItem(courseId: $courseId, itemId: $itemId)
    }`,
  InviteUser: /* GraphQL */ `
    mutation InviteUser($email: String!, $displayName: String!, $roles: [String!]) {
      inviteUser(email: $email, displayName: $displayName, roles: $roles) { id email status }
    }`,
  StartAttempt: /* GraphQL */ `
    mutation StartAttempt($courseId: ID!, $itemId: ID!, $accessCode: String) {
      startAttempt(courseId: $courseId, itemId: $itemId, accessCode: $accessCode) { id status resumed }
    }`,
  SaveAnswer: /* GraphQL */ `
    mutation SaveAnswer($attemptId: ID!, $position: Int!, $answer: JSON) {
      saveAnswer(attemptId: $attemptId, position: $position, answer: $answer) { position savedAt }
    }`,
  SubmitAttempt: /* GraphQL */ `
    mutation SubmitAttempt($attemptId: ID!) {
      submitAttempt(attemptId: $attemptId) { id status score pointsPossible gradingState released }
    }`,
  TenantReport: /* GraphQL */ `
    query TenantReport($from: String, $to: String) {
      tenantReport(from: $from, to: $to) {
        from
        to
        activeUsers { day count }
        totals { users activeUsers itemsCompleted attemptsSubmitted minutes }
        courses { courseId activeStudents completionRate gradeAverage course { id code title } }
      }
    }`,
  CourseReport: /* GraphQL */ `
    query CourseReport($courseId: ID!, $from: String, $to: String) {
      courseReport(courseId: $courseId, from: $from, to: $to) {
        courseId
        from
        to
        course { id code title }
        engagement { day activeStudents minutes }
        funnel { moduleId position started completed }
        grades { average buckets { from to count } }
        atRisk { userId reasons { code detail } }
        students { userId lastActivityAt minutes itemsCompleted videosWatched gradeAverage }
      }
    }`,
  StudentReport: /* GraphQL */ `
    query StudentReport($userId: ID!, $from: String, $to: String) {
      studentReport(userId: $userId, from: $from, to: $to) {
        userId
        from
        to
        activity { day minutes }
        courses {
          courseId
          lastActivityAt
          minutes
          itemsCompleted
          itemsTotal
          videosWatched
          gradeAverage
          course { id code title }
        }
      }
    }`,
} as const;

export type OperationName = keyof typeof OPERATIONS;
