import { isCourseStaffRole } from '@eduspry/contracts/roles';
import { Alert, Badge, EmptyState } from '@eduspry/ui-components';
import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { getTranslations } from 'next-intl/server';
import { Fragment } from 'react';
import { gql } from '@/lib/gateway';
import { isAdmin, requireViewer } from '@/lib/viewer';
import { Notices } from '../../../notices';
import { Person, rosterNames } from '../../../person';

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations('gradebook'))('title') };
}

interface QuizGrade {
  quizId: string;
  score: number | null;
  late: boolean;
  missing: boolean;
  dropped: boolean;
  pendingManual: boolean;
}
interface StudentGrades {
  userId: string;
  percent: number | null;
  letter: string | null;
  items: QuizGrade[];
}
interface Gradebook {
  quizzes: { id: string; title: string; pointsPossible: number }[];
  students: StudentGrades[];
}

/** What a grade's cell says beside the score, in words (not only in colour). */
const MARKS = [
  ['pendingManual', 'pending', 'neutral'],
  ['late', 'late', 'locked'],
  ['missing', 'missing', 'locked'],
  ['dropped', 'dropped', 'neutral'],
] as const;

/**
 * The course gradebook: its staff see every student × quiz with the course grade (and the CSV);
 * a student sees only their own grades.
 */
export default async function GradebookPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const [{ data: course, errors }, viewer] = await Promise.all([
    gql<{ course: { id: string; title: string; myEnrollment: { role: string } | null } | null }>(
      'CoursePage',
      { id },
    ),
    requireViewer(),
  ]);
  if (!course?.course) {
    if (errors.length) throw new Error(errors[0]!.message);
    notFound();
  }
  const staff = isCourseStaffRole(course.course.myEnrollment?.role) || isAdmin(viewer);
  const [grades, roster] = await Promise.all([
    staff
      ? gql<{ course: { gradebook: Gradebook | null } | null }>('Gradebook', { id })
      : gql<{ course: { myGrades: Gradebook | null } | null }>('MyGrades', { id }),
    staff
      ? gql<{ course: { roster: { userId: string; displayName: string | null }[] | null } | null }>(
          'Roster',
          { id },
        )
      : null,
  ]);
  const book = staff
    ? (grades.data?.course as { gradebook: Gradebook | null } | null)?.gradebook
    : (grades.data?.course as { myGrades: Gradebook | null } | null)?.myGrades;
  const t = await getTranslations('gradebook');
  const names = rosterNames(roster?.data?.course?.roster);
  const percent = (value: number | null) =>
    value === null ? t('noGrade') : t('percent', { percent: Math.round(value * 10) / 10 });
  const cell = (quiz: Gradebook['quizzes'][number], grade: QuizGrade | undefined) => (
    <>
      {grade?.score === null || grade?.score === undefined
        ? t('notCounted')
        : t('outOf', { score: grade.score, points: quiz.pointsPossible })}
      {MARKS.filter(([flag]) => grade?.[flag]).map(([flag, word, tone]) => (
        <Fragment key={flag}>
          {' '}
          <Badge tone={tone}>{t(word)}</Badge>
        </Fragment>
      ))}
    </>
  );
  const mine = staff ? null : (book?.students[0] ?? null);
  return (
    <>
      <p className="meta">
        <Link href={`/courses/${id}`}>
          <span aria-hidden="true">← </span>
          {course.course.title}
        </Link>
      </p>
      <h1 className="page-title">{staff ? t('title') : t('myTitle')}</h1>
      <Notices params={{}} errors={grades.errors} />
      {!book ? (
        <Alert kind="error">{t('unavailable')}</Alert>
      ) : book.quizzes.length === 0 ? (
        <EmptyState>{t('noQuizzes')}</EmptyState>
      ) : staff ? (
        <>
          <p className="meta">
            <a href={`/courses/${id}/gradebook/csv`} download>
              {t('downloadCsv')}
            </a>
          </p>
          {book.students.length === 0 ? (
            <EmptyState>{t('empty')}</EmptyState>
          ) : (
            <table>
              <caption>{t('caption')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('student')}</th>
                  {book.quizzes.map((quiz) => (
                    <th scope="col" key={quiz.id}>
                      {t('quizHeading', { title: quiz.title, points: quiz.pointsPossible })}
                    </th>
                  ))}
                  <th scope="col">{t('final')}</th>
                  <th scope="col">{t('letter')}</th>
                </tr>
              </thead>
              <tbody>
                {book.students.map((student) => (
                  <tr key={student.userId}>
                    <th scope="row">
                      <Person id={student.userId} names={names} />
                    </th>
                    {book.quizzes.map((quiz) => (
                      <td key={quiz.id}>
                        {cell(
                          quiz,
                          student.items.find((item) => item.quizId === quiz.id),
                        )}
                      </td>
                    ))}
                    <td>{percent(student.percent)}</td>
                    <td>{student.letter ?? t('notCounted')}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </>
      ) : mine ? (
        <>
          <p className="score" data-testid="my-grade">
            {t('myFinal', { grade: percent(mine.percent) })}
            {mine.letter ? ` · ${t('myLetter', { letter: mine.letter })}` : null}
          </p>
          <table>
            <caption>{t('myCaption')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('quiz')}</th>
                <th scope="col">{t('score')}</th>
              </tr>
            </thead>
            <tbody>
              {book.quizzes.map((quiz) => (
                <tr key={quiz.id}>
                  <th scope="row">{quiz.title}</th>
                  <td>
                    {cell(
                      quiz,
                      mine.items.find((item) => item.quizId === quiz.id),
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      ) : null}
    </>
  );
}
